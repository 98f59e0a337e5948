"""The examples in :mod:`dudao.api`'s docstrings run: the suite collects doctests from
``tests`` and ``plugins`` only, so the application layer's are run here."""

from __future__ import annotations

import doctest

import pytest

import dudao.api


# the examples check the Nanning example and read Guangxi's law
@pytest.mark.regional
def test_the_application_layer_examples_run() -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(dudao.api, optionflags=flags, verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0
