"""Options every command shares, checked the same way wherever they appear:
``--as-of`` (a real date) and ``--out`` (a file or folder that can be written); and
the DATASET argument, a folder or an example's name (:func:`dataset_folder`; for
evaluation data, :func:`evaluation_folder`).

:func:`check_options` is applied to each command when :mod:`dudao.cli` loads it, so a
command gets these checks just by naming its options ``as_of`` and ``out``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from dudao.errors import DudaoError, Problem
from dudao.examples import DEFAULT, EVALUATIONS, evaluation_path, example_names, example_path
from dudao.model.convert import date_reason


class AsOf(click.ParamType[str, object]):
    """``--as-of``: checked here for every command (a real date, from 1900 on) and passed
    on as YYYY-MM-DD text for the command to read."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: object) -> str:
        text = str(value).strip()
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        reason = date_reason(*map(int, found.groups())) if found else "格式不对"
        if reason is None:
            assert found is not None  # nothing matched: reason is 格式不对
            return dt.date(*map(int, found.groups())).isoformat()  # 2023-3-1 as well
        if found and not reason.startswith("没有"):  # a month 13 is a slip of format
            message = f"日期 '{text}' 不是实际的日期：{reason}"
        else:
            message = f"日期 '{text}' 格式不对" + (f"：{reason}" if found else "")
        hint = "写成 YYYY-MM-DD，如 2023-03-01"
        raise DudaoError(Problem(message, path=("--as-of",), code="bad-date", hint=hint))


class OutPath(click.ParamType[Path, object]):
    """``--out``: a file to write (in a folder that exists) or a folder to create or fill;
    never a device such as /dev/null, a folder where a file is meant or the reverse."""

    def __init__(self, folder: bool) -> None:
        self.folder = folder
        self.name = "DIRECTORY" if folder else "FILE"

    def convert(self, value: object, param: click.Parameter | None, ctx: object) -> Path:
        path = Path(str(value))
        what = "文件夹" if self.folder else "文件"

        def bad(message: str, hint: str) -> DudaoError:
            return DudaoError(
                Problem(message, source=str(path), path=("--out",), code="bad-out", hint=hint)
            )

        if path.exists() and not (path.is_dir() or path.is_file()):
            raise bad(f"不能写入 {path}：它是设备或特殊文件，不是{what}", f"--out 给出{what}的路径")
        if self.folder and path.exists() and not path.is_dir():
            raise bad("这是一个文件，而 --out 应为文件夹", "换一个文件夹名，或先移走该文件")
        if not self.folder and path.is_dir():
            raise bad("这是一个文件夹，而 --out 应为文件名", "给出文件名，如 评分表.xlsx")
        # the nearest folder above that exists: files are written in a folder that exists;
        # folders are created with their parents, but not below a file
        above = path.parent
        while not above.exists() and above != above.parent:
            above = above.parent
        if not above.is_dir():
            raise bad(f"{above} 不是文件夹，无法在其中写入", "检查 --out 的路径")
        if not self.folder and above != path.parent:
            raise bad(f"文件夹 {path.parent} 不存在", "先创建该文件夹，或换一个已有的文件夹")
        return path


def check_options(command: click.Command) -> None:
    """Give every command's ``--as-of`` and ``--out`` the checks above (once: a command
    checked already keeps its types)."""
    for param in command.params:
        if isinstance(param.type, AsOf | OutPath):
            continue
        if isinstance(param, click.Option) and param.name == "as_of":
            param.type = AsOf()
        elif isinstance(param, click.Option) and param.name == "out":
            # a file where the command's own type refused folders (evaluate's xlsx)
            param.type = OutPath(folder=getattr(param.type, "dir_okay", True))
    for sub in getattr(command, "commands", {}).values():
        check_options(sub)


def dataset_folder(path: str | None) -> Path:
    """The dataset folder a command names: a path, else the name of an example (dudao's
    own, ``yichang``, or an installed plugin's, ``nanning``); none: dudao's own example.

    >>> dataset_folder(None).name, dataset_folder("yichang").name, dataset_folder("x/y")
    ('yichang', 'yichang', PosixPath('x/y'))
    """
    name = example_named(path)
    return example_path(name) if name is not None else Path(str(path))


def example_named(path: str | None) -> str | None:
    """The example a DATASET argument names: dudao's own (``yichang``) when none is
    given, the name when it names an example (and no folder of that name is here); None
    for a folder.

    >>> example_named(None), example_named("yichang"), example_named("x/y")
    ('yichang', 'yichang', None)
    """
    if not path:
        return DEFAULT
    if not Path(path).exists() and path in example_names():
        return path
    return None


def evaluation_folder(path: str | None) -> Path:
    """The evaluation data (county measurements, school resources) a command names: a
    folder, else the name of an example whose evaluation data dudao ships (``yichang``,
    ``nanning``); none: dudao's own example's, ``yichang_evaluation``.

    >>> evaluation_folder(None).name, evaluation_folder("nanning").name
    ('yichang_evaluation', 'nanning_evaluation')
    >>> evaluation_folder("x/y")
    PosixPath('x/y')
    """
    name = path or DEFAULT
    if path and (Path(path).exists() or path not in EVALUATIONS):
        return Path(path)
    folder = evaluation_path(name)
    assert folder is not None  # every name in EVALUATIONS has its folder
    return folder
