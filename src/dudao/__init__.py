"""dudao (督导): China's education supervision system as code."""

from dudao.errors import DudaoError, Problem

__version__ = "0.1.0"

__all__ = ["DudaoError", "Problem", "__version__"]
