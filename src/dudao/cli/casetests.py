"""``dudao test``: run YAML test cases and say what differed."""

from __future__ import annotations

import click

from dudao.cli.lawstatus import LawStatus, strict_option
from dudao.cli.output import format_option, print_json, stdout
from dudao.errors import DudaoError
from dudao.plugins.manager import load_plugins
from dudao.testcases import CaseResult, run_cases


@click.command("test")
@click.argument("paths", nargs=-1, required=True)
@format_option("table", "json")
@strict_option
def test(paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """运行 PATHS 中的 YAML 测试用例（文件，或文件夹中 cases/ 下的用例文件）。

    每个用例给出一个小数据集、检查日期和预期结果（问题、工作要点完成情况、得分）；
    有用例不通过时以状态 1 结束，用例文件本身有错时以状态 2 结束。
    """
    plugins = load_plugins()
    outcomes = list(run_cases(paths, plugins))
    results = [o for o in outcomes if isinstance(o, CaseResult)]
    broken = [o for o in outcomes if isinstance(o, DudaoError)]
    status = LawStatus.of(plugins)
    if fmt == "json":
        print_json(
            {
                "passed": sum(r.passed for r in results),
                "failed": sum(not r.passed for r in results),
                "broken": [str(e) for e in broken],
                "cases": [
                    {"path": r.path, "name": r.name, "passed": r.passed, "failures": r.failures}
                    for r in results
                ],
                "plugins": status.as_json(),
            }
        )
    else:
        for r in results:
            mark = "[green]通过[/]" if r.passed else "[red]不通过[/]"
            stdout.print(f"{mark}  {r.name}  [dim]{r.path}[/]")
            for f in r.failures:
                stdout.print(f"      {f}", markup=False)
        for e in broken:
            stdout.print("[red]用例文件有误[/]")
            for p in e.problems:
                stdout.print(f"      {p}", markup=False)
        failed = sum(not r.passed for r in results)
        stdout.print(
            f"共 {len(results) + len(broken)} 个用例：通过 {len(results) - failed}，"
            f"不通过 {failed}，文件有误 {len(broken)}"
        )
        status.footer()
    if broken:
        raise SystemExit(2)
    status.finish(strict)
    if any(not r.passed for r in results):
        raise SystemExit(1)
