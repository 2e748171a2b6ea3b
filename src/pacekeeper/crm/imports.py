"""Importing customers, contacts, sales and interactions from CSV or XLSX (DESIGN rule 8).

An import runs in two passes. `import_check` reads every row, types it and reports every bad
cell (row, column, value, reason) without writing. `import_apply` writes: all rows or none
("all_or_nothing"), or only the good ones ("good_rows_only"). Rows carrying an external id update
the row with that id instead of adding a duplicate, so re-importing a file is harmless.

The sales path is the bulk path (millions of rows): references are resolved from in-memory
maps loaded once, and rows go to the database in batches — on PostgreSQL through COPY.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacekeeper.errors import ValidationFailed
from pacekeeper.kpis.models import DailyRollup, MonthlyRollup, RepeatPurchaseRollup
from pacekeeper.kpis.rollups import facts_changed
from pacekeeper.lib import date_rules
from pacekeeper.lib.batches import chunks
from pacekeeper.lib.bulk import insert_rows, update_rows
from pacekeeper.lib.dates import DateError, parse_date
from pacekeeper.lib.money import AMOUNT_LIMIT, AmountError, parse_amount, to_minor
from pacekeeper.lib.statistics import refresh_after_bulk_load
from pacekeeper.lib.tabular import read_rows
from pacekeeper.lib.text import clean_text
from pacekeeper.tenancy.models import User
from pacekeeper.tenancy.scopes import Actor, holds_portfolio, may_change_credit, portfolio_holders_q, require_writer

from . import services
from .models import EXTERNAL_ID_TAKEN, Contact, Customer, Interaction, Sale, Tier
from .sales_rollups import sales_changing

MODES = ("all_or_nothing", "good_rows_only")
KEPT_ERRORS = 5000


@dataclass
class RowError:
    row: int  # 1-based, the header is row 1 as in Excel
    field: str  # our column key, e.g. "amount"
    value: str
    reason: str

    def as_dict(self, titles: dict[str, str]) -> dict:
        """`column` is the header as written in the user's file (e.g. 金额)."""
        return {
            "row": self.row,
            "column": titles.get(self.field, self.field),
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # column key → header in the file
    # Problems found while reading beyond the first KEPT_ERRORS are counted, not kept: a file of
    # bad rows must not cost memory for every cell of them (their rows are never written).
    dropped_errors: int = 0
    dropped_rows: set[int] = field(default_factory=set)

    def note(self, errors: list[RowError]) -> None:
        room = max(KEPT_ERRORS - len(self.errors), 0)
        self.errors += errors[:room]
        if len(errors) > room:
            self.dropped_errors += len(errors) - room
            self.dropped_rows.add(errors[0].row)

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors} | self.dropped_rows)

    @property
    def good_rows(self) -> int:
        return self.total - self.bad_rows

    def as_dict(self, *, max_errors: int | None = None) -> dict:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "kind": self.kind,
            "total": self.total,
            "good_rows": self.good_rows,
            "created": self.created,
            "updated": self.updated,
            "bad_rows": self.bad_rows,
            "applied": self.applied,
            "error_count": len(self.errors) + self.dropped_errors,
            "errors": [error.as_dict(self.titles) for error in errors],
        }


class CellError(Exception):
    def __init__(self, column: str, value: object, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


# --- columns -----------------------------------------------------------------------------------
# Each kind lists its fields with the headers people use for them, in English and Chinese.


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    required: bool = False
    label: object = ""


def _columns(*columns: Column) -> dict[str, Column]:
    return {column.key: column for column in columns}


CUSTOMER_COLUMNS = _columns(
    Column("external_id", ("external_id", "external id", "统一社会信用代码", "客户编号", "外部编号", "信用代码"), True),
    Column("name", ("name", "customer", "customer name", "客户名称", "名称", "客户"), True),
    Column("industry", ("industry", "行业")),
    Column("tier", ("tier", "客户等级", "等级", "分级")),
    Column("region", ("region", "区域", "地区")),
    Column("status", ("status", "状态")),
    Column("owner", ("owner", "account manager", "manager", "客户经理", "负责人")),
    Column("source", ("source", "来源", "客户来源")),
    Column("created_on", ("created_on", "created", "创建日期", "建档日期")),
    Column("needs", ("needs", "notes", "需求", "需求与偏好", "备注")),
)
CONTACT_COLUMNS = _columns(
    Column(
        "customer",
        ("customer", "customer_external_id", "customer external id", "客户编号", "统一社会信用代码", "客户"),
        True,
    ),
    Column("name", ("name", "contact", "联系人", "姓名"), True),
    Column("external_id", ("external_id", "external id", "联系人编号")),
    Column("title", ("title", "职务", "职位")),
    Column("phone", ("phone", "mobile", "电话", "手机")),
    Column("email", ("email", "邮箱", "电子邮件")),
    Column("wechat_id", ("wechat", "wechat_id", "微信", "微信号")),
    Column("is_decision_maker", ("decision maker", "is_decision_maker", "决策人", "是否决策人")),
)
SALE_COLUMNS = _columns(
    Column("external_id", ("external_id", "order", "order no", "order_no", "订单号", "订单编号", "单号"), True),
    Column(
        "customer", ("customer", "customer_external_id", "customer external id", "客户编号", "统一社会信用代码"), True
    ),
    Column("ordered_on", ("ordered_on", "order date", "date", "下单日期", "订单日期", "日期"), True),
    Column("amount", ("amount", "金额", "销售额", "订单金额"), True),
    Column("margin", ("margin", "gross margin", "毛利", "毛利额")),
    Column("product_line", ("product_line", "product line", "product", "产品线", "产品")),
    Column("status", ("status", "状态")),
    Column("manager", ("manager", "account manager", "客户经理", "负责人")),
)
INTERACTION_COLUMNS = _columns(
    Column(
        "customer", ("customer", "customer_external_id", "customer external id", "客户编号", "统一社会信用代码"), True
    ),
    Column("occurred_at", ("occurred_at", "when", "date", "日期", "时间", "拜访日期"), True),
    Column("kind", ("kind", "type", "方式", "类型", "互动方式")),
    Column("summary", ("summary", "note", "内容", "摘要", "纪要"), True),
    Column("outcome", ("outcome", "result", "结果")),
    Column("next_step", ("next step", "next_step", "下一步")),
    Column("next_step_on", ("next step date", "next_step_on", "下一步日期")),
    Column("external_id", ("external_id", "external id", "记录编号")),
    Column("manager", ("manager", "account manager", "客户经理", "负责人")),
)
KIND_COLUMNS = {
    "customers": CUSTOMER_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "sales": SALE_COLUMNS,
    "interactions": INTERACTION_COLUMNS,
}
KIND_LABELS = {
    "customers": gettext_lazy("Customers"),
    "contacts": gettext_lazy("Contacts"),
    "sales": gettext_lazy("Sales"),
    "interactions": gettext_lazy("Interactions"),
}


def _normalise_header(text: object) -> str:
    return str(text).strip().lower().replace("_", " ").replace("（", "(").replace("）", ")").split("(")[0].strip()


def column_header(kind: str, key: str) -> str:
    """The header a person knows a column by, in the active language: the one our export and the
    import page write (客户编号, not external_id)."""
    from .exports import EXPORT_COLUMNS  # exports know nothing of imports: no cycle at import time

    chinese = (translation.get_language() or "").startswith("zh")
    for column in EXPORT_COLUMNS.get(kind, ()):
        if column.en == key:
            return column.zh if chinese else column.en
    headers = KIND_COLUMNS[kind][key].headers
    return next((h for h in headers if not h.isascii()), headers[0]) if chinese else headers[0]


def map_headers(kind: str, header: list) -> dict[str, int]:
    """Column key → position. Unknown headers are ignored; a missing required one is an error."""
    columns = KIND_COLUMNS[kind]
    wanted = {_normalise_header(alias): key for key, column in columns.items() for alias in column.headers}
    positions: dict[str, int] = {}
    for position, title in enumerate(header):
        key = wanted.get(_normalise_header(title))
        if key and key not in positions:
            positions[key] = position
    missing = [key for key, column in columns.items() if column.required and key not in positions]
    if missing:
        names = ", ".join(column_header(kind, key) for key in missing)
        raise ValidationFailed({"file": [_("Missing column(s): %(columns)s") % {"columns": names}]})
    return positions


# --- cell readers ------------------------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _choice(column: str, value: object, choices: type[models.TextChoices], aliases: dict[str, str]) -> str:
    text = _text(value)
    if not text:
        return ""
    found = _choice_lookup(choices, tuple(aliases.items())).get(text.lower())
    if found is None:
        allowed = ", ".join(str(label) for label in choices.labels)  # as the export writes them
        raise CellError(column, value, _("Unknown value; use one of: %(values)s") % {"values": allowed})
    return found


@functools.cache
def _choice_lookup(choices: type[models.TextChoices], aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Every way a value may be written: its code, its label in each language, common aliases."""
    lookup = {alias.lower(): value for alias, value in aliases}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup.update({str(label).lower(): value for value, label in choices.choices})
    lookup.update({value: value for value in choices.values})
    return lookup


TIER_ALIASES = {
    "战略": "strategic",
    "战略客户": "strategic",
    "重点": "key",
    "重点客户": "key",
    "标准": "standard",
    "普通": "standard",
    "标准客户": "standard",
    "中小": "sme",
    "中小企业": "sme",
    "小微": "sme",
}
STATUS_ALIASES = {
    "潜在": "prospect",
    "潜在客户": "prospect",
    "活跃": "active",
    "合作中": "active",
    "休眠": "dormant",
    "沉睡": "dormant",
    "流失": "lost",
    "已流失": "lost",
}
SALE_STATUS_ALIASES = {
    "已确认": "confirmed",
    "确认": "confirmed",
    "成交": "confirmed",
    "已取消": "cancelled",
    "取消": "cancelled",
}
KIND_ALIASES = {
    "拜访": "visit",
    "上门拜访": "visit",
    "电话": "call",
    "邮件": "email",
    "会议": "meeting",
    "微信": "wechat",
    "其他": "other",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓", "x"}


def _date(column: str, value: object, *, required: bool = False) -> dt.date | None:
    if value in ("", None):
        if required:
            raise CellError(column, value, _("A date is required."))
        return None
    try:
        return parse_date(value)
    except DateError:
        raise CellError(column, value, _("Not a date; write 2026-03-05 or 2026/3/5.")) from None


def _fact_date(column: str, value: object, today: dt.date, *, required: bool = False) -> dt.date | None:
    """A date of something that has happened: the same rule and message as pages and the API."""
    day = _date(column, value, required=required)
    if problem := date_rules.fact_problem(day, today):
        raise CellError(column, value, problem)
    return day


def _amount(column: str, value: object, currency: str, *, required: bool = False) -> int | None:
    if value in ("", None):
        if required:
            raise CellError(column, value, _("An amount is required."))
        return None
    try:
        amount = parse_amount(value)
    except AmountError:
        raise CellError(column, value, _("Not an amount; write 1234.50 or ¥1,234.50.")) from None
    if abs(amount) >= AMOUNT_LIMIT:
        raise CellError(column, value, _("The amount is too large."))
    return to_minor(amount, currency)


# --- reference maps ----------------------------------------------------------------------------


@dataclass
class References:
    """Everything a row may point at, loaded once per import, already scoped to the actor."""

    customers: dict[str, tuple[int, int]]  # external id → (customer id, owner id)
    managers: dict[str, int]  # username / employee number / display name → user id
    today: dt.date  # the organisation's, for the date rules (lib.date_rules)

    @classmethod
    def load(cls, actor: Actor, *, with_customers: bool = True) -> References:
        customers = {}
        if with_customers:
            rows = (
                Customer.objects.visible_to(actor).exclude(external_id="").values_list("external_id", "pk", "owner_id")
            )
            customers = {external_id: (pk, owner) for external_id, pk, owner in rows.iterator(chunk_size=20000)}
        managers: dict[str, int] = {}
        people = User.objects.visible_to(actor).filter(portfolio_holders_q(), is_active=True)
        for pk, username, display_name, employee_no in people.values_list(
            "pk", "username", "display_name", "manager_profile__employee_no"
        ):
            for key in (username, display_name, employee_no):
                if key:
                    managers.setdefault(key, pk)
                    managers.setdefault(key.lower(), pk)
        return cls(customers=customers, managers=managers, today=actor.today())

    def customer(self, column: str, value: object) -> tuple[int, int]:
        key = _text(value)
        if key not in self.customers:
            raise CellError(column, value, _("No customer with this external id in your portfolio."))
        return self.customers[key]

    def manager(self, column: str, value: object) -> int | None:
        key = _text(value)
        if not key:
            return None
        found = self.managers.get(key) or self.managers.get(key.lower())
        if found is None:
            raise CellError(column, value, _("No account manager by this name or number in your scope."))
        return found


# --- the two passes ----------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedRow:
    row: int
    values: dict
    # The column keys the file has (one set shared by all its rows): an update changes only
    # the fields of these columns (`_update_fields`).
    columns: frozenset = frozenset()


PROGRESS_EVERY = 5000
Progress = Callable[[int], None] | None


def _parse_all(
    kind: str, data: bytes | BinaryIO, filename: str, actor: Actor, refs: References, progress: Progress = None
) -> tuple[list[ParsedRow], ImportReport]:
    rows = read_rows(data, filename)
    try:
        header = next(iter(rows))
    except StopIteration:
        raise ValidationFailed({"file": [_("The file is empty.")]}) from None
    positions = map_headers(kind, header)
    parse_row = ROW_PARSERS[kind]
    titles = {key: column_header(kind, key) for key in KIND_COLUMNS[kind]}
    titles.update({key: str(header[position]).strip() for key, position in positions.items()})
    report = ImportReport(kind=kind, titles=titles)
    parsed: list[ParsedRow] = []
    columns = frozenset(positions)
    seen_ids: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(_text(cell) for cell in cells):
            continue
        report.total += 1
        if progress and report.total % PROGRESS_EVERY == 0:
            progress(report.total)
        cell = _cell_reader(cells, positions)
        try:
            values = parse_row(cell, actor, refs)
        except CellError as error:  # a check that stops the row at once
            cell.problems.append(error)
        if cell.problems:
            report.note(
                [RowError(number, error.column, _text(error.value)[:200], str(error.reason)) for error in cell.problems]
            )
            continue
        external_id = values.get("external_id")
        if external_id:
            if external_id in seen_ids:
                repeats = _("Repeats row %(row)d of this file.") % {"row": seen_ids[external_id]}
                report.note([RowError(number, "external_id", external_id, repeats)])
                continue
            seen_ids[external_id] = number
        parsed.append(ParsedRow(number, values, columns))
    if progress:
        progress(report.total)  # every row read: writing starts
    return parsed, report


class _Row:
    """The row's cells by column key (missing cells read as empty), and the problems found in it:
    `take` runs one cell's check and notes its problem instead of stopping at it, so a row's
    report names every bad cell, not only the first."""

    def __init__(self, cells: list, positions: dict[str, int]) -> None:
        width = len(cells)
        self.by_key = {key: cells[position] if position < width else "" for key, position in positions.items()}
        self.problems: list[CellError] = []

    def __call__(self, key: str) -> object:
        value = self.by_key.get(key, "")
        return value.strip() if isinstance(value, str) else value

    def take(self, check: Callable, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except CellError as error:
            self.problems.append(error)
            return None


def _cell_reader(cells: list, positions: dict[str, int]) -> _Row:
    return _Row(cells, positions)


def _required_text(cell, key: str, max_length: int) -> str:
    text = _text(cell(key))
    if not text:
        raise CellError(key, "", _("This column is required."))
    if len(text) > max_length:
        raise CellError(key, text, _("Longer than %(n)d characters.") % {"n": max_length})
    return text


def _optional_text(cell, key: str, max_length: int) -> str:
    text = _text(cell(key))
    if len(text) > max_length:
        raise CellError(key, text, _("Longer than %(n)d characters.") % {"n": max_length})
    return text


def _parse_customer(cell, actor: Actor, refs: References) -> dict:
    take = cell.take
    owner = take(refs.manager, "owner", cell("owner"))
    if owner is None and not cell.problems:
        if not holds_portfolio(actor):
            cell.problems.append(CellError("owner", "", _("Name the account manager of this customer.")))
        owner = actor.user_id
    return {
        "external_id": take(_required_text, cell, "external_id", 64),
        "name": take(_required_text, cell, "name", 200),
        "industry": take(_optional_text, cell, "industry", 100),
        "tier": take(_choice, "tier", cell("tier"), Tier, TIER_ALIASES) or None,
        "region": take(_optional_text, cell, "region", 100),
        "status": take(_choice, "status", cell("status"), Customer.Status, STATUS_ALIASES) or None,
        "owner": owner,
        "source": take(_optional_text, cell, "source", 100),
        "created_on": take(_fact_date, "created_on", cell("created_on"), refs.today),
        "needs": take(_optional_text, cell, "needs", 5000),
    }


def _parse_contact(cell, actor: Actor, refs: References) -> dict:
    take = cell.take
    customer_id, _owner = take(refs.customer, "customer", cell("customer")) or (None, None)
    email = take(_optional_text, cell, "email", 254)
    if email and "@" not in email:
        cell.problems.append(CellError("email", email, _("Not an email address.")))
    return {
        "customer": customer_id,
        "name": take(_required_text, cell, "name", 100),
        "external_id": take(_optional_text, cell, "external_id", 64),
        "title": take(_optional_text, cell, "title", 100),
        "phone": take(_optional_text, cell, "phone", 40),
        "email": email,
        "wechat_id": take(_optional_text, cell, "wechat_id", 64),
        "is_decision_maker": _text(cell("is_decision_maker")).lower() in TRUE_WORDS,
    }


def _parse_sale(cell, actor: Actor, refs: References) -> dict:
    currency = actor.org.currency
    take = cell.take
    customer_id, owner_id = take(refs.customer, "customer", cell("customer")) or (None, None)
    return {
        "external_id": take(_required_text, cell, "external_id", 64),
        "customer": customer_id,
        "manager": take(refs.manager, "manager", cell("manager")),  # None: see _credit
        "owner": owner_id,
        "ordered_on": take(_fact_date, "ordered_on", cell("ordered_on"), refs.today, required=True),
        "amount_minor": take(_amount, "amount", cell("amount"), currency, required=True),
        "margin_minor": take(_amount, "margin", cell("margin"), currency),
        "product_line": take(_optional_text, cell, "product_line", 100),
        "status": take(_choice, "status", cell("status"), Sale.Status, SALE_STATUS_ALIASES) or None,
    }


def _parse_interaction(cell, actor: Actor, refs: References) -> dict:
    take = cell.take
    customer_id, owner_id = take(refs.customer, "customer", cell("customer")) or (None, None)
    occurred = cell("occurred_at")
    zone = ZoneInfo(actor.org.time_zone)
    moment = day = None
    if isinstance(occurred, dt.datetime):
        moment = occurred if occurred.tzinfo else occurred.replace(tzinfo=zone)
        day = moment.astimezone(zone).date()
        if problem := date_rules.fact_problem(day, refs.today):
            cell.problems.append(CellError("occurred_at", occurred, problem))
    else:
        day = take(_fact_date, "occurred_at", occurred, refs.today, required=True)
        if day is not None:
            moment = dt.datetime.combine(day, _time_of_day(occurred), tzinfo=zone)
    next_step_on = take(_date, "next_step_on", cell("next_step_on"))
    if problem := date_rules.next_step_problem(next_step_on, day, refs.today):
        cell.problems.append(CellError("next_step_on", cell("next_step_on"), problem))
    return {
        "customer": customer_id,
        "manager": take(refs.manager, "manager", cell("manager")),  # None: see _credit
        "owner": owner_id,
        "occurred_at": moment,
        "kind": take(_choice, "kind", cell("kind"), Interaction.Kind, KIND_ALIASES) or None,
        "summary": take(_required_text, cell, "summary", 10000),
        "outcome": take(_optional_text, cell, "outcome", 5000),
        "next_step": take(_optional_text, cell, "next_step", 300),
        "next_step_on": next_step_on,
        "external_id": take(_optional_text, cell, "external_id", 64),
    }


_TIME_OF_DAY = re.compile(r"[ T](\d{1,2}):(\d{2})")


def _time_of_day(value: object) -> dt.time:
    """The time written after a date ("2026-05-20 14:30", as our export writes it); 9:00 when
    only a date is given."""
    match = _TIME_OF_DAY.search(str(value))
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    return dt.time(9, 0)


ROW_PARSERS = {
    "customers": _parse_customer,
    "contacts": _parse_contact,
    "sales": _parse_sale,
    "interactions": _parse_interaction,
}


def import_check(
    *, actor: Actor, kind: str, data: bytes | BinaryIO, filename: str = "", progress: Progress = None
) -> ImportReport:
    """Read and validate the whole file; write nothing."""
    if kind not in KIND_COLUMNS:
        raise ValidationFailed({"kind": [_("Unknown import kind.")]})
    refs = References.load(actor, with_customers=kind != "customers")
    _parsed, report = _parse_all(kind, data, filename, actor, refs, progress)
    return report


def import_apply(
    *,
    actor: Actor,
    kind: str,
    data: bytes | BinaryIO,
    filename: str = "",
    mode: str = "all_or_nothing",
    progress: Progress = None,
) -> ImportReport:
    """Validate and write. In all-or-nothing mode any bad row means nothing is written."""
    require_writer(actor)
    if kind not in KIND_COLUMNS:
        raise ValidationFailed({"kind": [_("Unknown import kind.")]})
    if mode not in MODES:
        raise ValidationFailed({"mode": [_("Choose all_or_nothing or good_rows_only.")]})
    refs = References.load(actor, with_customers=kind != "customers")
    with _without_cyclic_gc():
        return _apply(actor, kind, data, filename, mode, refs, progress)


@contextlib.contextmanager
def _without_cyclic_gc():
    """A million parsed rows are millions of small containers; Python's cyclic collector would
    rescan them again and again while they pile up (quadratic in the file's size). They hold
    no reference cycles, so pause it for the import and collect once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _apply(actor, kind, data, filename, mode, refs, progress) -> ImportReport:
    """Check everything first, then write in pieces of IMPORT_WRITE_ROWS rows, each piece one
    short transaction with its rollups. On SQLite a writer holds the whole database: one
    transaction for 200,000 sales held it for 20 s, and everyone else's changes waited and
    failed. A piece of a file is a small import of its own, and applying a file again updates
    the rows it already wrote, so an import interrupted between pieces completes when it is run
    again (the worker takes an interrupted job up again by itself)."""
    parsed, report = _parse_all(kind, data, filename, actor, refs, progress)
    report.errors += _outside_scope_errors(kind, actor, parsed)
    if report.errors and mode == "all_or_nothing":
        return report
    bad_rows = {error.row for error in report.errors}
    # Pieces by manager and customer: a piece of sales reads and locks its customers' purchase
    # histories (every sale of theirs) and adds to its managers' daily rollup cells, so pieces
    # in the file's order read every customer's history and every manager's cells again and
    # again, quadratic in the file's size.
    parsed = sorted((row for row in parsed if row.row not in bad_rows), key=_manager_and_customer)
    for number, piece in enumerate(chunks(parsed, settings.IMPORT_WRITE_ROWS)):
        if number:
            _let_waiting_writers_in()
        written = ImportReport(kind=kind)
        with transaction.atomic():
            WRITERS[kind](actor, piece, written)
        # Rows that turned out of scope since the check above (moved meanwhile) are left out.
        report.created, report.updated = report.created + written.created, report.updated + written.updated
        report.errors += written.errors
    report.errors.sort(key=lambda error: error.row)
    report.applied = True
    refresh_after_bulk_load(*WRITTEN_MODELS[kind], rows=report.created + report.updated)
    return report


def _manager_and_customer(row: ParsedRow) -> tuple[int, int]:
    return row.values.get("manager") or 0, row.values.get("customer") or 0


def _let_waiting_writers_in() -> None:
    """SQLite's lock is not fair: a writer waiting for it tries again every 100 ms at most, and
    an import beginning its next piece at once takes the lock first, piece after piece (a PATCH
    waited 21 s). PostgreSQL queues its waiters and needs no pause."""
    if connection.vendor == "sqlite":
        time.sleep(settings.IMPORT_PIECE_PAUSE_SECONDS)


# The rows of each kind that an external id can point at.
KIND_MODELS = {"customers": Customer, "contacts": Contact, "sales": Sale, "interactions": Interaction}


def _outside_scope_errors(kind: str, actor: Actor, parsed: list[ParsedRow]) -> list[RowError]:
    """Rows whose external id belongs to a record the actor may not write, and fact rows whose
    credit the actor may not set (`_credit`), found before anything is written (the writers
    check again, piece by piece)."""
    model = KIND_MODELS[kind]
    ids = [row.values["external_id"] for row in parsed if row.values.get("external_id")]
    existing = _existing(model.objects.filter(org_id=actor.org_id), "external_id", ids)
    if kind not in CREDIT_DAY:
        outside = set(existing.values()) - _visible_pks(model.objects.writable_by(actor), existing.values())
        return [_outside_scope(row) for row in parsed if existing.get(row.values.get("external_id") or "") in outside]
    writable = _writable_facts(model, actor, existing.values())
    owners = services.OwnerHistory(actor.org, (row.values["customer"] for row in parsed))
    errors = []
    for row in parsed:
        pk = existing.get(row.values.get("external_id") or "")
        if pk is not None and pk not in writable:
            errors.append(_outside_scope(row))
            continue
        credit = _credit(actor, row, CREDIT_DAY[kind](actor, row.values), writable.get(pk), owners)
        if isinstance(credit, RowError):
            errors.append(credit)
    return errors


# The day a fact row is credited on (the owner on that day is credited by default).
CREDIT_DAY = {
    "sales": lambda actor, values: values["ordered_on"],
    "interactions": lambda actor, values: values["occurred_at"].astimezone(ZoneInfo(actor.org.time_zone)).date(),
}


# --- writers -----------------------------------------------------------------------------------
#
# An update changes only what the file says (docs/imports.md): the fields of the columns it has.
# A column the file leaves out keeps the stored value. A blank cell clears an optional field
# (text, a margin, a next step's date) and keeps the stored value of a field that cannot be
# blank (a tier, a status, a kind, a creation date, an external id). New rows take the defaults
# below for what the file leaves out or blank.

# Column key → the field an update writes, per kind (columns not listed are never updated: a
# customer's owner changes by transfer; a fact's credit, `manager_id`, is always written as
# `_credit` decides it, which keeps an existing row's credit).
UPDATED_FIELDS = {
    "customers": {
        "name": "name",
        "industry": "industry",
        "tier": "tier",
        "region": "region",
        "status": "status",
        "source": "source",
        "created_on": "created_on",
        "needs": "needs",
    },
    "contacts": {
        "customer": "customer_id",
        "name": "name",
        "external_id": "external_id",
        "title": "title",
        "phone": "phone",
        "email": "email",
        "wechat_id": "wechat_id",
        "is_decision_maker": "is_decision_maker",
    },
    "sales": {
        "customer": "customer_id",
        "ordered_on": "ordered_on",
        "product_line": "product_line",
        "amount": "amount_minor",
        "margin": "margin_minor",
        "status": "status",
    },
    "interactions": {
        "occurred_at": "occurred_at",
        "kind": "kind",
        "summary": "summary",
        "outcome": "outcome",
        "next_step": "next_step",
        "next_step_on": "next_step_on",
        "external_id": "external_id",
    },
}
# Fields that cannot be blank: a blank cell keeps the stored value (values as parsed, by key).
KEPT_WHEN_BLANK = {"tier", "status", "kind", "created_on", "external_id"}
DEFAULTS = {
    "customers": {"tier": Tier.STANDARD, "status": Customer.Status.ACTIVE},
    "contacts": {},
    "sales": {"status": Sale.Status.CONFIRMED},
    "interactions": {"kind": Interaction.Kind.VISIT},
}


def _with_defaults(kind: str, values: dict) -> dict:
    """A new row's values: blank or missing fields that cannot be blank take their default."""
    return values | {key: default for key, default in DEFAULTS[kind].items() if not values.get(key)}


def _update_fields(kind: str, row: ParsedRow) -> tuple[str, ...]:
    """The fields an update of this row writes: those of the file's columns, less the blank
    cells of fields that cannot be blank."""
    return tuple(
        field
        for column, field in UPDATED_FIELDS[kind].items()
        if column in row.columns and not (column in KEPT_WHEN_BLANK and row.values.get(column) in (None, ""))
    )


def _update_by_fields(model, changed: list[tuple[object, tuple[str, ...]]]) -> None:
    """Write each changed row's own fields: one UPDATE per set of fields (a file has one or two)."""
    groups: dict[tuple[str, ...], list] = {}
    for obj, fields in changed:
        groups.setdefault(fields, []).append(obj)
    for fields, objects in groups.items():
        if fields:
            update_rows(model, objects, list(fields))


# What each kind of import writes (rollups follow sales and interactions).
WRITTEN_MODELS = {
    "customers": (Customer,),
    "contacts": (Contact,),
    "sales": (Sale, DailyRollup, MonthlyRollup, RepeatPurchaseRollup),
    "interactions": (Interaction, Customer, DailyRollup, MonthlyRollup),
}


def _existing(queryset, key: str, values: Iterable[str]) -> dict[str, int]:
    # "Not empty" repeats the unique index's own condition: PostgreSQL cannot prove it from a
    # list of over 100 values, and without it read the whole table once per chunk (a parallel
    # scan of 1.4 million sales, 50 times for a 50,000-row import).
    # Unordered too: the model's ordering (by date) led SQLite to read every sale of the
    # organisation through the date index for each chunk of 2,000 ids (1.2 s a chunk at 200,000
    # sales) instead of looking each id up in the unique index (0.02 s).
    queryset = queryset.exclude(**{key: ""}).order_by()
    found: dict[str, int] = {}
    for chunk in chunks(list(values)):
        found.update(queryset.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    return found


def _visible_pks(scoped_queryset, pks: Iterable[int]) -> set[int]:
    visible: set[int] = set()
    for chunk in chunks(list(pks)):
        visible.update(scoped_queryset.filter(pk__in=chunk).order_by().values_list("pk", flat=True))
    return visible


def _writable_facts(model, actor: Actor, pks: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Existing facts the actor may write (tenancy.scopes' write scope): pk → (customer, manager)."""
    found: dict[int, tuple[int, int]] = {}
    for chunk in chunks(list(pks)):
        rows = model.objects.writable_by(actor).filter(pk__in=chunk).values_list("pk", "customer_id", "manager_id")
        found.update({pk: (customer, manager) for pk, customer, manager in rows})
    return found


def _outside_scope(row: ParsedRow) -> RowError:
    """An external id the actor may not use. Whether it is taken by a record outside their scope
    or by one they only read, the answer is the one the API and pages give for any taken id:
    it says nothing of whose record, or where (DESIGN rule 2)."""
    return RowError(row.row, "external_id", row.values["external_id"], str(EXTERNAL_ID_TAKEN))


def _credit(
    actor: Actor, row: ParsedRow, day: dt.date, existing: tuple[int, int] | None, owners: services.OwnerHistory
) -> int | RowError:
    """The manager a fact row is credited to (DESIGN rule 4), or why the row may not be written.
    A new row with a blank manager goes to its customer's owner on the fact's day; naming anyone
    else is for directors and org admins. An existing row keeps its customer, and its credit
    unless the file repeats it: changing either takes a reason, given on the record itself."""
    values = row.values
    if existing is not None:
        customer_id, manager_id = existing
        if values["customer"] != customer_id:
            reason = _("An import cannot move an existing record to another customer.")
            return RowError(row.row, "customer", _label(Customer, values["customer"], "external_id"), reason)
        if values["manager"] not in (None, manager_id):
            reason = _("An import cannot change the credit of an existing record; a director does it on the record.")
            return RowError(row.row, "manager", _label(User, values["manager"], "username"), reason)
        return manager_id
    owner = owners.owner_on(values["customer"], values["owner"], day)
    if values["manager"] not in (None, owner) and not may_change_credit(actor):
        reason = _("Only a director or an org admin may credit anyone but the customer's manager on that date.")
        return RowError(row.row, "manager", _label(User, values["manager"], "username"), reason)
    if values["manager"] is None and actor.member_ids is not None and owner not in actor.member_ids:
        # Dated before the customer came to the actor: the previous owner's credit (services._require_acting_for).
        reason = _("On this date the customer was %(name)s's: ask your lead or a director to record it.")
        name = User.objects.filter(pk=owner).first()
        return RowError(
            row.row, "customer", _label(Customer, values["customer"], "external_id"), reason % {"name": name}
        )
    return values["manager"] or owner


def _label(model, pk: int, field: str) -> str:
    """How a row named a customer or a person, for an error report (rows keep ids only: a
    million parsed rows would carry the file's text twice). Only refused rows ask."""
    return str(model.objects.filter(pk=pk).values_list(field, flat=True).first() or pk)


def _write_customers(actor: Actor, parsed: list[ParsedRow], report: ImportReport) -> None:
    intervals = services.follow_up_intervals(actor.org_id)
    existing_ids = _existing(
        Customer.objects.filter(org_id=actor.org_id), "external_id", (row.values["external_id"] for row in parsed)
    )
    visible = _visible_pks(Customer.objects.visible_to(actor), existing_ids.values())
    existing = Customer.objects.visible_to(actor).in_bulk(list(visible))
    new, changed = [], []
    for row in parsed:
        values = dict(row.values)
        pk = existing_ids.get(values["external_id"])
        if pk is not None and pk not in visible:
            report.errors.append(_outside_scope(row))
            continue
        if pk is None:
            values = _with_defaults("customers", values)
            values["owner_id"] = values.pop("owner")
            values["created_on"] = values["created_on"] or actor.today()
            customer = Customer(org_id=actor.org_id, **values)
            customer.next_due_on = services.next_due(customer, intervals)
            new.append(customer)
        else:
            # The owner is not updated: ownership changes go through transfers, with a reason.
            customer = existing[pk]
            fields = _update_fields("customers", row)
            for name in fields:
                setattr(customer, name, values[name])
            customer.next_due_on = services.next_due(customer, intervals)
            changed.append((customer, (*fields, "next_due_on")))
    Customer.objects.bulk_create(new, batch_size=1000)
    _update_by_fields(Customer, changed)
    report.created, report.updated = len(new), len(changed)


def _write_contacts(actor: Actor, parsed: list[ParsedRow], report: ImportReport) -> None:
    """Contacts match an existing one by external id, else by (customer, name)."""
    by_external = _existing(
        Contact.objects.filter(org_id=actor.org_id),
        "external_id",
        (row.values["external_id"] for row in parsed if row.values["external_id"]),
    )
    scoped = Contact.objects.visible_to(actor)
    customer_ids = {row.values["customer"] for row in parsed}
    by_name = {(c.customer_id, c.name): c for c in scoped.filter(customer_id__in=customer_ids)}
    existing = {c.pk: c for c in by_name.values()}
    existing.update(scoped.in_bulk(list(by_external.values())))
    new, changed = [], []
    for row in parsed:
        values = dict(row.values)
        values["customer_id"] = values.pop("customer")
        pk = by_external.get(values["external_id"]) if values["external_id"] else None
        if pk is not None and pk not in existing:
            report.errors.append(_outside_scope(row))
            continue
        contact = existing.get(pk) if pk else by_name.get((values["customer_id"], values["name"]))
        if contact is None:
            new.append(Contact(org_id=actor.org_id, **values))
            continue
        fields = _update_fields("contacts", row)
        for name in fields:
            setattr(contact, name, values[name])
        changed.append((contact, fields))
    Contact.objects.bulk_create(new, batch_size=1000)
    _update_by_fields(Contact, changed)
    report.created, report.updated = len(new), len(changed)


SALE_COLUMNS_DB = (
    "org_id",
    "customer_id",
    "manager_id",
    "external_id",
    "ordered_on",
    "product_line",
    "amount_minor",
    "margin_minor",
    "status",
)


def _write_sales(actor: Actor, parsed: list[ParsedRow], report: ImportReport) -> None:
    existing = _existing(
        Sale.objects.filter(org_id=actor.org_id), "external_id", (row.values["external_id"] for row in parsed)
    )
    writable = _writable_facts(Sale, actor, existing.values())
    owners = services.OwnerHistory(actor.org, (row.values["customer"] for row in parsed))
    new_rows, changed = [], []
    for row in parsed:
        values = _with_defaults("sales", row.values)
        pk = existing.get(values["external_id"])
        if pk is not None and pk not in writable:
            report.errors.append(_outside_scope(row))
            continue
        manager = _credit(actor, row, values["ordered_on"], writable.get(pk), owners)
        if isinstance(manager, RowError):
            report.errors.append(manager)
            continue
        record = (
            actor.org_id,
            values["customer"],
            manager,
            values["external_id"],
            values["ordered_on"],
            values["product_line"],
            values["amount_minor"],
            values["margin_minor"],
            values["status"],
        )
        if pk is None:
            new_rows.append(record)
        else:
            sale = Sale(pk=pk, **dict(zip(SALE_COLUMNS_DB, record, strict=True)))
            changed.append((sale, ("manager_id", *_update_fields("sales", row))))
    # New sales are added to the rollups; an updated one's cells, before and after, recomputed.
    touched = [(sale.manager_id, sale.ordered_on) for sale, _fields in changed]
    old = _old_values(Sale, [sale.pk for sale, _fields in changed], "manager_id", "ordered_on", "customer_id")
    touched += [(manager, day) for manager, day, _customer in old]
    # A sale's customer may change: both customers' purchase histories change.
    customers = {record[1] for record in new_rows} | {sale.customer_id for sale, _fields in changed}
    customers |= {customer for _manager, _day, customer in old}
    inserted = [(row[2], row[4], row[6], row[7], row[8]) for row in new_rows]  # manager, day, amount, margin, status
    with sales_changing(org_id=actor.org_id, customer_ids=customers, inserted=inserted) as rollup_cells:
        insert_rows(Sale, SALE_COLUMNS_DB, new_rows)
        _update_by_fields(Sale, changed)
        rollup_cells += touched
    report.created, report.updated = len(new_rows), len(changed)


def _old_values(model, pks: list[int], *fields: str) -> list[tuple]:
    """Fields of rows as they were before an update (the KPI rollup cells they sat in)."""
    found = []
    for chunk in chunks(pks):
        found += model.objects.filter(pk__in=chunk).order_by().values_list(*fields)
    return found


def _write_interactions(actor: Actor, parsed: list[ParsedRow], report: ImportReport) -> None:
    """Interactions match by external id when given; otherwise by (customer, time, kind), so the
    same export imported twice does not double the visits."""
    by_external = _existing(
        Interaction.objects.filter(org_id=actor.org_id),
        "external_id",
        (row.values["external_id"] for row in parsed if row.values["external_id"]),
    )
    writable = _writable_facts(Interaction, actor, by_external.values())
    customer_ids = {row.values["customer"] for row in parsed}
    # To the minute: a file holds times as people write them (our export included), without seconds.
    by_moment = {}
    for customer_id, moment, kind, pk, manager_id in (
        Interaction.objects.writable_by(actor)
        .filter(customer_id__in=customer_ids)
        .values_list("customer_id", "occurred_at", "kind", "pk", "manager_id")
    ):
        by_moment[(customer_id, _to_minute(moment), kind)] = pk
        writable[pk] = (customer_id, manager_id)
    owners = services.OwnerHistory(actor.org, customer_ids)
    new, changed = [], []
    zone = ZoneInfo(actor.org.time_zone)
    for row in parsed:
        values = dict(row.values)
        pk = by_external.get(values["external_id"]) if values["external_id"] else None
        if pk is not None and pk not in writable:
            report.errors.append(_outside_scope(row))
            continue
        kind = values["kind"] or Interaction.Kind.VISIT
        pk = pk or by_moment.get((values["customer"], _to_minute(values["occurred_at"]), kind))
        manager = _credit(actor, row, CREDIT_DAY["interactions"](actor, values), writable.get(pk), owners)
        if isinstance(manager, RowError):
            report.errors.append(manager)
            continue
        values = _with_defaults("interactions", values)
        values["customer_id"] = values.pop("customer")
        values["manager_id"] = manager
        del values["manager"], values["owner"]
        interaction = Interaction(org_id=actor.org_id, pk=pk, **values)
        if pk:
            changed.append((interaction, ("manager_id", *_update_fields("interactions", row))))
        else:
            new.append(interaction)
    updated = [item for item, _fields in changed]
    touched = [(item.manager_id, item.occurred_at.astimezone(zone).date()) for item in new + updated]
    touched += [
        (manager, moment.astimezone(zone).date())
        for manager, moment in _old_values(Interaction, [item.pk for item in updated], "manager_id", "occurred_at")
    ]
    Interaction.objects.bulk_create(new, batch_size=1000)
    _update_by_fields(Interaction, changed)
    services.customers_contacts_changed(org=actor.org, customer_ids=customer_ids)
    facts_changed(org_id=actor.org_id, cells=touched)
    report.created, report.updated = len(new), len(changed)


def _to_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


WRITERS = {
    "customers": _write_customers,
    "contacts": _write_contacts,
    "sales": _write_sales,
    "interactions": _write_interactions,
}
