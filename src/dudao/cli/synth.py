"""``dudao synth``: write a synthetic dataset (合成数据集) to try the checks at any size."""

from __future__ import annotations

from pathlib import Path

import click

from dudao.cli.output import stderr, working

#: Scale names and the scope each one synthesises unless --scope is given.
SCOPES = {"national": "000000", "province": "450000", "city": "450100"}


@click.command()
@click.option(
    "--scale",
    "scale_name",
    type=click.Choice(list(SCOPES)),
    default="city",
    show_default=True,
    help="范围大小：national 全国（000000）、province 广西（450000）、city 南宁（450100）",
)
@click.option(
    "--seed", type=int, default=2023, show_default=True, help="随机种子：同一种子生成相同的文件"
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出文件夹（不存在则创建；同名表格文件会被覆盖）",
)
@click.option("--scope", help="区划代码，代替 --scale 对应的默认范围，如 430600")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
    help="表格文件格式",
)
@click.option(
    "--fraction",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="按比例缩小学校、督学等数量（如 0.05，供测试）",
)
def synth(
    scale_name: str, seed: int, out: Path, scope: str | None, fmt: str, fraction: float
) -> None:
    """生成合成数据集（示例数据）：真实的省、市、县区划，合成的乡镇、学校、督学和督导记录。

    \b
    例：dudao synth --scale national --seed 1 --out 全国合成
        dudao check 全国合成
    """
    from dudao.plugins.manager import load_plugins
    from dudao.synth import synthesize, write_dataset  # numpy work only when asked

    with working("合成数据集：读取区划", total=3) as advance:
        # the plugins' development zones are supervised too, as dudao check will see them
        hierarchy = load_plugins().hierarchy()
        advance(description="合成数据集：生成学校、督学和督导记录")
        data = synthesize(seed, scope or SCOPES[scale_name], fraction, hierarchy=hierarchy)
        advance(description=f"合成数据集：写入 {fmt} 文件")
        write_dataset(data, out, fmt)  # type: ignore[arg-type]
        advance()
    counts = data.counts()
    labels = {
        "townships": "乡镇",
        "schools": "学校",
        "inspectors": "督学",
        "zones": "责任区",
        "visits": "经常性督导",
        "supervisions": "督导活动",
        "filings": "报告",
        "meetings": "会议",
        "budgets": "经费",
        "programmes": "项目进展",
        "committees": "督导委员会",
    }
    summary = "，".join(f"{labels[k]} {v:,}" for k, v in counts.items())
    stderr.print(f"[green]已生成[/] {out}（{data.info.name}）：{summary}", markup=True)
