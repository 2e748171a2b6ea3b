"""A document as data: what progress reports, pay statements and certificates say, independent
of how it is shown.

Features build a `Document` (title, the period it covers, sections of key figures, tables,
paragraphs and bar charts) once; the page, the one PDF renderer (DESIGN rule 13,
`lib/pdf.py`) and the XLSX writer (`lib/tabular.write_document_xlsx`, one sheet per section)
all read the same object, so the three cannot disagree. Values stay numbers here; `display`
turns them into text the one way the product shows numbers (rule 11, lib/formatting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pacekeeper.lib import formatting

# How a column's or a figure's value is shown. "money" values are minor units (fen) with a
# currency; "percent" values are already in percent (12.5 means 12.5 %).
KINDS = ("text", "integer", "decimal", "percent", "money", "date")


@dataclass(frozen=True)
class Figure:
    """A key figure: "完成率 87.5%", with an optional comparison ("较上月 +3.2%")."""

    label: str
    value: object
    kind: str = "integer"
    currency: str = ""
    note: str = ""


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"
    currency: str = ""


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    empty_text: str = ""  # said instead of an empty table


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BarChart:
    """A bar chart whose title states the finding ("张伟的销售额较上月增长最多")."""

    title: str
    labels: tuple[str, ...]
    values: tuple[object, ...]
    kind: str = "integer"
    currency: str = ""


Block = Figure | Table | Paragraph | BarChart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    sheet_title: str = ""  # the XLSX sheet's name (≤ 31 characters); the title if empty


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str  # the subject and the period, always stated: "华东一组 · 2026年11月"
    language: str  # "zh-hans" or "en"
    organisation: str
    sections: tuple[Section, ...] = ()
    generated_at: dt.datetime | None = None
    footnotes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Certificate:
    """A one-page honour or training certificate (`lib/pdf.render_certificate_pdf`):
    "荣誉证书 — 授予 张伟 — 在2026年第三季度销售竞赛中荣获第一名 — 华东区销售部 2026年10月8日"."""

    title: str  # "荣誉证书" / "Certificate of Achievement"
    organisation: str
    person: str
    achievement: str  # what was achieved or completed, one or a few sentences
    date: dt.date
    language: str  # "zh-hans" or "en"
    issuer: str = ""  # who grants it, shown above the date; the organisation if empty
    number: str = ""  # the certificate's number, shown small at the bottom if given


def display(value: object, kind: str, language: str, currency: str = "", *, short: bool = False) -> str:
    """A value as text, the one way pages, PDFs and exports show it (`short`: a key figure's card,
    where Chinese amounts read in 万 and 亿)."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return formatting.format_amount(int(value), currency, language, short=short)
    if kind == "percent":
        return formatting.format_percent(value)
    if kind == "date" and isinstance(value, dt.date):
        return formatting.format_date(value, language)
    if kind == "integer":
        return f"{int(value):,}"
    if kind == "decimal":
        return f"{Decimal(str(value)):,.2f}"
    return str(value)
