"""Renderers: what officials and scripts read (terminal text, Markdown, JSON, Excel).

A renderer makes text or a file from a result; where it goes (stdout, a file the
user named) is the caller's. :mod:`dudao.report.text` makes every string from data
safe in each format.
"""
