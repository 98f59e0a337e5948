"""Documents, their numbers (文号) and citations of their clauses.

Every rule, parameter and work-plan item the project encodes cites a clause of
a document: ``厅发〔2020〕26号 三（一）`` or ``《教育督导条例》第十四条``. This
module parses and prints those references so that two spellings of the same
reference compare equal.

文号 (document numbers)
-----------------------
The usual form is 发文机关代字〔年份〕序号号, optionally with 函 after the
prefix for letters: ``桂教督委办〔2023〕11号``, ``蒲政教督办函〔2023〕3号``.
National orders (令) have no year: ``国务院令第624号``.

Texts here come from scanned originals, so parsing is lenient where OCR is
sloppy and strict where a mistake would change the meaning:

* any of 〔〕 [] （） () 【】 ［］ ﹝﹞ delimit the year, and the two halves need not
  match (``厅发〔2020]26号`` is accepted: OCR mixes them, and the meaning is
  plain); a missing half is an error;
* spaces (also full-width ones) may appear around every part and inside the
  prefix, and full-width digits are read as digits;
* the year has exactly four digits, 1949–2100; the serial is a positive
  integer and leading zeros are dropped (``〔2020〕026号`` is serial 26, as some
  offices zero-pad), so the canonical form of such a text differs from it;
* the trailing 号 is required.

The canonical form uses 〔〕 and no spaces; ``str()`` gives it.

>>> n = DocumentNumber.parse("蒲政教督办函 [2023] 3 号")
>>> n
DocumentNumber(issuer='蒲政教督办', letter=True, year=2023, serial=3)
>>> str(n)
'蒲政教督办函〔2023〕3号'
>>> Citation.parse("厅发[2020]26号 三(一)")
Citation(document='厅发〔2020〕26号', clause='三（一）')
"""

from __future__ import annotations

import datetime
import re

import attrs

from dudao.errors import DudaoError, Problem

YEAR_MIN = 1949
YEAR_MAX = 2100

NUMBER_HINT = (
    "格式应为 发文机关代字〔年份〕序号号，如 厅发〔2020〕26号；"
    "函件如 蒲政教督办函〔2023〕3号；令如 国务院令第624号"
)
CITATION_HINT = (
    "格式应为“文号 条款”或“《文件名》条款”，"
    "如 厅发〔2020〕26号 三（一）、《教育督导条例》第十四条；条款可省略"
)

# ﹝﹞ (small brackets) are common on government web pages.
_OPEN = "〔[（(【［﹝"
_CLOSE = "〕]）)】］﹞"
# Characters an issuer prefix may not contain: they would make parsing ambiguous.
_ISSUER_FORBIDDEN = frozenset(_OPEN + _CLOSE + "《》〈〉")

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CLAUSE_TRANSLATION = str.maketrans("０１２３４５６７８９()．", "0123456789（）.")

_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"[0-9]{4}")
_SERIAL = re.compile(r"[0-9]+")
# Greedy prefix: the last 令 followed by 第N号 ends the issuer.
_DECREE = re.compile(r"(?P<issuer>.*令)\s*第\s*(?P<serial>.*?)\s*号", re.DOTALL)

_NUMERAL = "0-9一二三四五六七八九十百千零〇两"
# A clause is a run of numbering tokens: 三（一）, 二（十四）, 第十四条第二款, 14, 3.2, 附件2.
_CLAUSE = re.compile(
    rf"(?=.*[^.、])(?:第[{_NUMERAL}]+(?:部分|[编章节条款项目])"
    rf"|[{_NUMERAL}]+|（[{_NUMERAL}]+）|附件[{_NUMERAL}]*|[.、])+"
)


def _issuer_error(issuer: str) -> str | None:
    """Why ``issuer`` cannot be a 文号 prefix, or None if it can."""
    if not issuer:
        return "发文机关代字为空"
    if _SPACE.search(issuer):
        return f"发文机关代字 '{issuer}' 含有空白"
    if any(c in _ISSUER_FORBIDDEN for c in issuer):
        return f"发文机关代字 '{issuer}' 含有括号或书名号"
    if issuer.endswith("函"):
        return f"发文机关代字 '{issuer}' 不能以“函”结尾（函件用 letter=True 表示）"
    return None


def _check_issuer(instance: DocumentNumber, attribute: attrs.Attribute[str], value: str) -> None:
    error = _issuer_error(value)
    if error:
        raise ValueError(error)


def _check_year(
    instance: DocumentNumber, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        # Only orders (令) are numbered without a year, and they are never letters.
        if not instance.issuer.endswith("令") or instance.letter:
            raise ValueError(
                f"文号 '{instance.issuer}' 没有年份：只有“令”（如 国务院令第624号）可以不带年份"
            )
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"年份 {value!r} 应为整数")
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise ValueError(f"年份 {value} 超出范围（{YEAR_MIN}–{YEAR_MAX}）")


def _check_serial(instance: DocumentNumber, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"序号 {value!r} 应为正整数")


@attrs.frozen
class DocumentNumber:
    """A document number (文号): issuer prefix, optional 函, year and serial.

    ``year`` is None only for orders (令), which are numbered 第N号 without a
    year; their ``issuer`` ends with 令.

    >>> DocumentNumber.parse("厅发（2020）26号")
    DocumentNumber(issuer='厅发', letter=False, year=2020, serial=26)
    >>> str(DocumentNumber("国教督", False, 2021, 2))
    '国教督〔2021〕2号'
    >>> n = DocumentNumber.parse("国务院令第624号")
    >>> n.year is None, n.is_order, str(n)
    (True, True, '国务院令第624号')
    >>> f"{DocumentNumber.parse('厅发[2020]026号')}"
    '厅发〔2020〕26号'
    >>> DocumentNumber.parse("厅发〔2020〕26")
    Traceback (most recent call last):
    ...
    dudao.errors.DudaoError: 文号 '厅发〔2020〕26' 缺少结尾的“号”（格式应为 ...）
    """

    issuer: str = attrs.field(validator=_check_issuer)
    letter: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    year: int | None = attrs.field(validator=_check_year)
    serial: int = attrs.field(validator=_check_serial)

    @property
    def is_order(self) -> bool:
        """True for an order (令) numbered without a year, like 国务院令第624号."""
        return self.year is None

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.issuer}第{self.serial}号"
        letter = "函" if self.letter else ""
        return f"{self.issuer}{letter}〔{self.year}〕{self.serial}号"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def parse(cls, text: str | DocumentNumber) -> DocumentNumber:
        """Read a 文号 in any accepted spelling (see the module docstring).

        Raises :class:`~dudao.errors.DudaoError` with one problem coded
        ``bad-document-number`` whose message names ``text``.
        """
        if isinstance(text, DocumentNumber):
            return text
        try:
            return _parse_number(text)
        except ValueError as exc:
            raise DudaoError(
                Problem(str(exc), hint=NUMBER_HINT, code="bad-document-number")
            ) from None


def _parse_number(raw: str) -> DocumentNumber:
    """Parse a 文号, raising ValueError with a Chinese message naming ``raw``."""
    if not isinstance(raw, str):
        raise ValueError(f"文号应为文本，而不是 {raw!r}")
    text = raw.translate(_FULLWIDTH_DIGITS).strip()
    if not text:
        raise ValueError(f"文号 '{raw}' 为空")
    if not text.endswith("号"):
        raise ValueError(f"文号 '{raw}' 缺少结尾的“号”")
    opening = next((i for i, c in enumerate(text) if c in _OPEN), None)
    if opening is None:
        decree = _DECREE.fullmatch(text)
        if decree is None:
            raise ValueError(f"文号 '{raw}' 缺少用〔〕括起的年份")
        issuer = _SPACE.sub("", decree["issuer"])
        return _build(raw, issuer, False, None, decree["serial"])
    closing = next((i for i in range(opening + 1, len(text)) if text[i] in _CLOSE), None)
    if closing is None:
        raise ValueError(f"文号 '{raw}' 的年份括号没有闭合")
    issuer = _SPACE.sub("", text[:opening])
    letter = issuer.endswith("函")
    if letter:
        issuer = issuer[:-1]
    year_text = text[opening + 1 : closing].strip()
    if not _YEAR.fullmatch(year_text):
        raise ValueError(f"文号 '{raw}' 的年份 '{year_text}' 应为四位数字")
    return _build(raw, issuer, letter, int(year_text), text[closing + 1 : -1])


def _build(raw: str, issuer: str, letter: bool, year: int | None, serial: str) -> DocumentNumber:
    error = _issuer_error(issuer)
    if error:
        raise ValueError(f"文号 '{raw}' 的{error}")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"文号 '{raw}' 的年份 {year} 超出范围（{YEAR_MIN}–{YEAR_MAX}）")
    serial = serial.strip()
    if not serial:
        raise ValueError(f"文号 '{raw}' 缺少序号")
    if not _SERIAL.fullmatch(serial) or int(serial) == 0:
        raise ValueError(f"文号 '{raw}' 的序号 '{serial}' 应为正整数")
    return DocumentNumber(issuer, letter, year, int(serial))


def _to_number(value: DocumentNumber | str | None) -> DocumentNumber | None:
    if value is None or isinstance(value, DocumentNumber):
        return value
    return _parse_number(value)


def _to_title(value: str) -> str:
    # A title written with its 《》 means the same title.
    title = value.strip()
    if len(title) >= 2 and title.startswith("《") and title.endswith("》"):
        title = title[1:-1].strip()
    return title


@attrs.frozen(kw_only=True)
class Document:
    """A source document: its 文号 (if one is printed), issuer, date, title.

    ``public`` records the mark 此件公开发布 (True) or 此件不予公开 (False), and
    None when the original carries neither mark — unknown is not "not public".
    ``number`` may be given as text and is None when none is printed; ``date``
    is None when the scan lost it. ``title`` is stored without 《》.

    >>> d = Document(number="桂教督委办〔2023〕11号",
    ...              issuer="广西壮族自治区人民政府教育督导委员会办公室",
    ...              date=datetime.date(2023, 3, 17),
    ...              title="2023年广西壮族自治区教育督导工作要点", public=False)
    >>> d.key
    '桂教督委办〔2023〕11号'
    >>> d.cite("三")
    Citation(document='桂教督委办〔2023〕11号', clause='三')
    >>> Document(number=None, issuer="中共中央办公厅、国务院办公厅", date=None,
    ...          title="关于深化新时代教育督导体制机制改革的意见", public=True).key
    '《关于深化新时代教育督导体制机制改革的意见》'
    """

    number: DocumentNumber | None = attrs.field(default=None, converter=_to_number)
    issuer: str = attrs.field(validator=attrs.validators.min_len(1))
    date: datetime.date | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(datetime.date)),
    )
    title: str = attrs.field(converter=_to_title, validator=attrs.validators.min_len(1))
    public: bool | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(bool))
    )

    @property
    def key(self) -> str:
        """The canonical 文号 if there is one, else the title in 《》."""
        return str(self.number) if self.number is not None else f"《{self.title}》"

    def cite(self, clause: str | None = None) -> Citation:
        """A citation of ``clause`` of this document (the whole document if None)."""
        return Citation(self.key, clause)


def _to_document(value: str) -> str:
    """Canonical document key: 《title》 stripped, or the canonical 文号."""
    if not isinstance(value, str):
        raise ValueError(f"文件应为文号或《文件名》，而不是 {value!r}")
    text = value.strip()
    if text.startswith("《"):
        if not text.endswith("》"):
            raise ValueError(f"文件名 '{value}' 的书名号没有闭合")
        title = text[1:-1].strip()
        if not title:
            raise ValueError(f"文件名 '{value}' 为空")
        return f"《{title}》"
    return str(_parse_number(text))


def _to_clause(value: str | None) -> str | None:
    """Canonical clause: no spaces, full-width parentheses, ASCII digits; '' → None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"条款应为文本，而不是 {value!r}")
    clause = _SPACE.sub("", value.translate(_CLAUSE_TRANSLATION))
    if not clause:
        return None
    if not _CLAUSE.fullmatch(clause):
        raise ValueError(
            f"条款 '{value.strip()}' 无法识别，应如 三（一）、二（十四）、第十四条、四、14"
        )
    return clause


@attrs.frozen
class Citation:
    """A reference to a document, and optionally one of its clauses.

    ``document`` is a :attr:`Document.key`: a canonical 文号 or a title in 《》.
    ``clause`` is the numbering of the part cited (``三（一）``, ``第十四条``) or
    None for the whole document. Both are normalised on construction, so
    equal references compare equal.

    >>> c = Citation.parse("《教育督导条例》 第十四条")
    >>> c
    Citation(document='《教育督导条例》', clause='第十四条')
    >>> str(c)
    '《教育督导条例》 第十四条'
    >>> Citation.parse("厅发〔2020〕26号") == Citation("厅发[2020]26号")
    True
    >>> Citation.parse("厅发〔2020〕26号").number
    DocumentNumber(issuer='厅发', letter=False, year=2020, serial=26)
    """

    document: str = attrs.field(converter=_to_document)
    clause: str | None = attrs.field(default=None, converter=_to_clause)

    @property
    def number(self) -> DocumentNumber | None:
        """The cited 文号, or None when the document is cited by title."""
        return None if self.document.startswith("《") else _parse_number(self.document)

    def __str__(self) -> str:
        return self.document if self.clause is None else f"{self.document} {self.clause}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def parse(cls, text: str | Citation) -> Citation:
        """Read ``文号 条款`` or ``《文件名》条款`` (the clause is optional).

        The document ends at the last 》 (title form) or the last 号 (文号
        form); a clause never contains either, so the split is unambiguous.
        Raises :class:`~dudao.errors.DudaoError` with one problem coded
        ``bad-citation`` whose message names ``text``.
        """
        if isinstance(text, Citation):
            return text
        try:
            if not isinstance(text, str):
                raise ValueError(f"引用应为文本，而不是 {text!r}")
            stripped = text.strip()
            if not stripped:
                raise ValueError("内容为空")
            if stripped.startswith("《"):
                end = stripped.rfind("》")
                if end < 0:
                    raise ValueError("书名号“《”没有闭合")
            else:
                end = stripped.rfind("号")
                if end < 0:
                    raise ValueError("找不到文号（以“号”结尾）或《文件名》")
            return cls(stripped[: end + 1], stripped[end + 1 :])
        except ValueError as exc:
            raise DudaoError(
                Problem(f"无法识别引用 '{text}'：{exc}", hint=CITATION_HINT, code="bad-citation")
            ) from None
