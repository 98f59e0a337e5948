"""NumPy and pandas, imported on first use.

``dudao --help``, ``dudao plugins`` and plugin loading touch modules that compute
with NumPy and pandas but never call them; importing both costs about 0.4 s of a
cold start. Modules write ``from dudao.lazyimports import np, pd`` instead of
``import numpy as np`` / ``import pandas as pd``: the names behave as the modules
(type checkers see the real ones) and the import happens at the first attribute
read, under the interpreter's import lock, so concurrent first uses are safe.

>>> from dudao.lazyimports import np
>>> int(np.arange(4).sum())
6
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["np", "pd"]


class _OnFirstUse(ModuleType):
    """A stand-in for a module that imports it when an attribute is first read."""

    def __getattr__(self, attr: str) -> Any:
        # Only reached for names not yet copied here: import (a no-op once
        # imported), then keep the attribute so later reads are plain lookups.
        value = getattr(importlib.import_module(self.__name__), attr)
        setattr(self, attr, value)
        return value


if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    np = _OnFirstUse("numpy")
    pd = _OnFirstUse("pandas")
