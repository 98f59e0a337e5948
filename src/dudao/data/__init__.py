"""Data files shipped with dudao (see the *.SOURCE.md file beside each)."""
