"""Exports of customers, contacts, sales and interactions as CSV or XLSX.

Headers are the ones the importer reads, so an export can be edited and imported back. Coded
values (tier, status, kind, yes/no) are written as their labels in the export's language
(中小企业, 活跃 / SME, Active), which the importer reads back like the codes. Text cells starting
with = + - @ are neutralised (lib.tabular.neutralise) against formula injection.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pacekeeper.lib.money import from_minor
from pacekeeper.lib.tabular import download_response, write_csv, write_xlsx
from pacekeeper.tenancy.scopes import Actor

from .models import Contact, Customer, Interaction, Sale, Tier


@dataclass(frozen=True)
class ExportColumn:
    en: str
    zh: str
    value: Callable[[object], object]
    labels: dict | None = None  # code → label (lazy), for coded values


def _labels(choices) -> dict:
    return dict(choices.choices)


YES_NO = {"1": _("Yes"), "0": _("No")}


def _money(minor: int | None):
    return "" if minor is None else from_minor(minor)


EXPORT_COLUMNS: dict[str, list[ExportColumn]] = {
    "customers": [
        ExportColumn("external_id", "客户编号", lambda c: c.external_id),
        ExportColumn("name", "客户名称", lambda c: c.name),
        ExportColumn("industry", "行业", lambda c: c.industry),
        ExportColumn("tier", "客户等级", lambda c: c.tier, _labels(Tier)),
        ExportColumn("region", "区域", lambda c: c.region),
        ExportColumn("status", "状态", lambda c: c.status, _labels(Customer.Status)),
        ExportColumn("owner", "客户经理", lambda c: c.owner_username or ""),
        ExportColumn("source", "来源", lambda c: c.source),
        ExportColumn("created_on", "创建日期", lambda c: c.created_on),
        ExportColumn("last_contacted_on", "最近联系", lambda c: c.last_contacted_on or ""),
        ExportColumn("next_due_on", "下次跟进", lambda c: c.next_due_on or ""),
        ExportColumn("needs", "需求与偏好", lambda c: c.needs),
    ],
    "contacts": [
        ExportColumn("customer", "客户编号", lambda c: c.customer_external_id),
        ExportColumn("name", "联系人", lambda c: c.name),
        ExportColumn("external_id", "联系人编号", lambda c: c.external_id),
        ExportColumn("title", "职务", lambda c: c.title),
        ExportColumn("phone", "电话", lambda c: c.phone),
        ExportColumn("email", "邮箱", lambda c: c.email),
        ExportColumn("wechat_id", "微信号", lambda c: c.wechat_id),
        ExportColumn("is_decision_maker", "是否决策人", lambda c: "1" if c.is_decision_maker else "0", YES_NO),
    ],
    "sales": [
        ExportColumn("external_id", "订单号", lambda s: s.external_id),
        ExportColumn("customer", "客户编号", lambda s: s.customer_external_id),
        ExportColumn("ordered_on", "下单日期", lambda s: s.ordered_on),
        ExportColumn("amount", "金额", lambda s: _money(s.amount_minor)),
        ExportColumn("margin", "毛利", lambda s: _money(s.margin_minor)),
        ExportColumn("product_line", "产品线", lambda s: s.product_line),
        ExportColumn("status", "状态", lambda s: s.status, _labels(Sale.Status)),
        ExportColumn("manager", "客户经理", lambda s: s.manager_username or ""),
    ],
    "interactions": [
        ExportColumn("external_id", "记录编号", lambda i: i.external_id),
        ExportColumn("customer", "客户编号", lambda i: i.customer_external_id),
        ExportColumn("occurred_at", "时间", lambda i: i.occurred_at),
        ExportColumn("kind", "方式", lambda i: i.kind, _labels(Interaction.Kind)),
        ExportColumn("summary", "内容", lambda i: i.summary),
        ExportColumn("outcome", "结果", lambda i: i.outcome),
        ExportColumn("next_step", "下一步", lambda i: i.next_step),
        ExportColumn("next_step_on", "下一步日期", lambda i: i.next_step_on or ""),
        ExportColumn("manager", "客户经理", lambda i: i.manager_username or ""),
    ],
}
EXPORT_MODELS = {"customers": Customer, "contacts": Contact, "sales": Sale, "interactions": Interaction}
# The one field each export needs of a related row, read by the same query (instantiating the
# related rows themselves cost a third of a 200,000-customer export).
_CUSTOMER = {"customer_external_id": F("customer__external_id")}
_MANAGER = {"manager_username": F("manager__username")}
EXPORT_REFERENCES = {
    "customers": {"owner_username": F("owner__username")},
    "contacts": _CUSTOMER,
    "sales": _CUSTOMER | _MANAGER,
    "interactions": _CUSTOMER | _MANAGER,
}


def export_queryset(kind: str, actor: Actor) -> QuerySet:
    """Everything of a kind the actor may see, in a stable order."""
    return EXPORT_MODELS[kind].objects.visible_to(actor).order_by("pk")


def export_table(
    kind: str, rows: QuerySet, *, actor: Actor, language: str | None = None
) -> tuple[list[str], Iterator[list]]:
    columns = EXPORT_COLUMNS[kind]
    zone = ZoneInfo(actor.org.time_zone)
    language = language or get_language() or "en"
    chinese = language.startswith("zh")
    header = [column.zh if chinese else column.en for column in columns]
    with translation.override(language):  # the body is read later, outside this language
        labels = [{code: str(label) for code, label in (column.labels or {}).items()} for column in columns]

    def cell(value, labels: dict):
        if isinstance(value, dt.datetime):  # in the organisation's zone, to the minute, as people read it
            return value.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        return labels.get(value, value) if labels else value

    def body() -> Iterator[list]:
        for row in rows.select_related(None).annotate(**EXPORT_REFERENCES[kind]).iterator(chunk_size=5000):
            yield [cell(column.value(row), names) for column, names in zip(columns, labels, strict=True)]

    return header, body()


def _stringify(rows: Iterator[list]) -> Iterator[list]:
    for row in rows:
        yield [
            "" if value is None else (value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value))
            for value in row
        ]


def export_response(kind: str, rows: QuerySet, file_format: str, *, actor: Actor):
    header, body = export_table(kind, rows, actor=actor)
    cells = body if file_format == "xlsx" else _stringify(body)
    return download_response(f"{kind}-{actor.today().isoformat()}", header, cells, file_format, sheet=kind)


def export_file(kind: str, path: str, *, actor: Actor) -> int:
    """Write an export to a file (the `pacekeeper export` command); returns the row count."""
    rows = export_queryset(kind, actor)
    header, body = export_table(kind, rows, actor=actor, language="en")
    counted = []

    def counting(source):
        for row in source:
            counted.append(1)
            yield row

    if path.lower().endswith(".xlsx"):
        with open(path, "wb") as out:
            out.write(write_xlsx(header, counting(body), sheet_title=kind))
    else:
        with open(path, "wb") as out:
            for chunk in write_csv(header, _stringify(counting(body))):
                out.write(chunk)
    return len(counted)
