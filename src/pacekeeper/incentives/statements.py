"""A person's commission statement for one run, line by line: the page, the PDF (lib/pdf.py) and
the XLSX (lib/tabular.py) are all made from the one Document built here (DESIGN rule 13).

Items are shown exact (four decimals of the currency unit); the line's total is rounded once to
the minor unit, half up (ROUND_HALF_UP), and the "Rounding" item shows by how much."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import override

from pacekeeper.lib.documents import Column, Document, Figure, Section, Table
from pacekeeper.lib.formatting import format_amount, format_period, format_rate

from .models import PayoutDetail, PayoutLine

EXACT_PLACES = Decimal("0.0001")


def exact_text(exact_minor: Decimal, currency: str) -> str:
    """An unrounded amount in the currency's unit, to four decimals: "-12.3450"."""
    return f"{(Decimal(exact_minor) / 100).quantize(EXACT_PLACES):,}"


def kind_label(detail: PayoutDetail) -> str:
    return str(PayoutDetail.Kind(detail.kind).label)


def statement_rows(line: PayoutLine, language: str) -> list[list[str]]:
    """One row per item: what, product line, from, up to, applies to, rate, ×, order, paid in run,
    amount (exact); then the adjustment, if any, and the payable total."""
    currency = line.org.currency

    def money(minor):
        return "" if minor is None else format_amount(int(minor), currency, language)

    rows = []
    for detail in line.details.all():
        rows.append(
            [
                kind_label(detail),
                detail.product_line or (_("Other product lines") if detail.kind == "tier" else ""),
                money(detail.from_minor),
                money(detail.upto_minor),
                money(detail.base_minor),
                "" if detail.rate_percent is None else format_rate(detail.rate_percent.normalize()),
                "" if detail.multiplier is None else f"× {detail.multiplier}",
                str(detail.sale) if detail.sale_id else "",
                f"#{detail.source_run_id}" if detail.source_run_id else "",
                exact_text(detail.exact_amount, currency),
            ]
        )
    if line.is_adjusted:
        rows.append(
            [_("Adjustment"), line.adjustment_reason, "", "", "", "", "", "", "",
             exact_text(Decimal(line.amount_minor - line.calculated_minor), currency)]
        )  # fmt: skip
    return rows


def statement_document(line: PayoutLine, language: str) -> Document:
    run = line.run
    currency = line.org.currency
    with override(language):
        period = format_period(run.starts_on, run.ends_on, language)
        figures = [
            Figure(_("Basis"), line.basis_minor, "money", currency),
            Figure(_("Goal attained"), line.attainment_percent, "percent") if line.attainment_percent is not None
            else Figure(_("Goal attained"), "—", "text", note=_("no goal for this period")),
            Figure(_("Accelerator"), f"× {line.multiplier}", "text"),
            Figure(_("By the plan"), line.calculated_minor, "money", currency),
            Figure(_("Payable"), line.amount_minor, "money", currency),
        ]  # fmt: skip
        columns = tuple(
            Column(label)
            for label in (
                _("Item"), _("Product line"), _("From"), _("Up to"), _("Applies to"), _("Rate (%)"),
                _("Accelerator"), _("Order clawed back"), _("Paid in run"), _("Amount (exact)"),
            )
        )  # fmt: skip
        table = Table(columns, tuple(tuple(row) for row in statement_rows(line, language)), _("Nothing to pay."))
        notes = (
            _("Tier mode: %(mode)s.") % {"mode": _mode_label(run.terms.get("mode", "marginal"))},
            _(
                "Amounts are exact until the total of the line, which is rounded once to the smallest unit "
                "of the currency, half up (ROUND_HALF_UP)."
            ),
            _("A clawback takes back a cancelled order at the rate its product line was paid in the run named."),
        )
        return Document(
            title=_("Commission statement"),
            subtitle=f"{line.person} · {run.plan} · {period}",
            language=language,
            organisation=line.org.name,
            sections=(
                Section(_("Summary"), tuple(figures), sheet_title=_("Summary")),
                Section(_("Statement"), (table,), sheet_title=_("Statement")),
            ),
            footnotes=notes,
        )


def _mode_label(mode: str) -> str:
    from .models import TIER_MODES

    return str(dict(TIER_MODES).get(mode, mode))


def run_details(run):
    """Every item of a run's lines, person by person in the order computed (the run's export)."""
    from .models import PayoutDetail

    return (
        PayoutDetail.objects.filter(line__run=run)
        .select_related("line__person", "sale")
        .order_by("line__person__username", "position")
    )
