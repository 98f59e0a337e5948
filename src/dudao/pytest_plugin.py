"""pytest collects YAML test cases (``tests/cases/**.yaml``, or any YAML file with
``dataset`` and ``expect``) as test items; other YAML files are data.

Registered through the ``pytest11`` entry point, so a plugin's own test run picks
up its case files with no conftest. A failing case lists what differed; a broken
case file reports its line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dudao.errors import DudaoError


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    from dudao.testcases import is_case_file

    if is_case_file(file_path, parent.config.rootpath):
        return CaseFile.from_parent(parent, path=file_path)
    return None


@cache
def _plugins() -> Any:
    from dudao.plugins.manager import load_plugins

    return load_plugins()


class CaseFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        return [CaseItem.from_parent(self, name=self.path.stem)]


class CaseFailed(Exception):
    pass


class CaseItem(pytest.Item):
    def runtest(self) -> None:
        from dudao.testcases import run_case

        try:
            result = run_case(self.path, _plugins())
        except DudaoError as exc:
            raise CaseFailed(f"用例文件有误：\n{exc}") from None
        if not result.passed:
            raise CaseFailed(f"{result.name}\n" + "\n".join(f"  {f}" for f in result.failures))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"用例 {self.name}"
