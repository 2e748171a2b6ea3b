"""A kept report's PDF (the one renderer, lib/pdf) and XLSX (one sheet per section, numbers as
numbers) state the team's name and the figures the page states."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from pypdf import PdfReader

from pacekeeper.kpis.engine import Level, compute
from pacekeeper.kpis.periods import Period
from pacekeeper.progress import services


def _team_report(world, language):
    return services.report_generate(
        actor=world.one.actor("director"),
        subject_kind="team",
        subject_id=world.one.team_a.pk,
        period_kind="month",
        day=dt.date(2026, 3, 15),
        language=language,
    )


def test_the_chinese_pdf_names_the_team_and_states_its_figures(facts):
    report = _team_report(facts, "zh-hans")
    pdf = bytes(report.pdf)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "one team A" in text
    assert "进度报告" in text and "目标达成与进度" in text
    # Team A's sales in March as the KPI engine has them, as the page shows them.
    sales = compute(org=facts.one.org, metrics=["sales_amount"], level=Level.TEAM, period=Period.month(2026, 3))
    assert sales[facts.one.team_a.pk]["sales_amount"] == 730_000
    assert "¥7,300.00" in text
    assert "销售额较上月增长 46.0%" in text


def test_the_xlsx_has_a_sheet_per_section_with_numbers_as_numbers(facts):
    report = _team_report(facts, "en")
    book = openpyxl.load_workbook(io.BytesIO(bytes(report.xlsx)))
    sections = [section["sheet_title"] for section in report.document["sections"]]
    assert book.sheetnames[1:] == sections
    kpis = {row[0]: row[1] for row in book["KPIs"].iter_rows(values_only=True) if row and row[0]}
    assert kpis["Sales amount"] == Decimal("7300") or kpis["Sales amount"] == 7300
    tasks = {row[0]: row[1] for row in book["Tasks"].iter_rows(values_only=True) if row and row[0]}
    assert round(float(tasks["Task completion rate"]), 2) == 66.67
