"""A document as XLSX: one sheet per section after a summary sheet; numbers, money and dates
are typed cells, never text."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from pacekeeper.lib.documents import BarChart, Column, Document, Figure, Paragraph, Section, Table
from pacekeeper.lib.tabular import write_document_xlsx


def document() -> Document:
    long_title = "华东一组本月客户经理拜访与销售明细（含回款与逾期任务情况）"
    return Document(
        title="月度进度报告",
        subtitle="华东一组 · 2026年11月",
        language="zh-hans",
        organisation="上海示例科技有限公司",
        generated_at=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
        sections=(
            Section(
                "关键指标",
                (
                    Figure("销售额", 1234560, "money", "CNY", "较上月 +3.2%"),
                    Figure("完成率", Decimal("87.5"), "percent"),
                    Figure("拜访次数", 342),
                    Paragraph("=SUM(A1) 不是公式"),
                    BarChart("张伟的销售额最高", ("张伟", "王芳"), (900000, 800000), "money", "CNY"),
                ),
            ),
            Section(
                long_title,
                (
                    Table(
                        (
                            Column("姓名"),
                            Column("销售额", "money", "CNY"),
                            Column("最近拜访", "date"),
                            Column("完成率", "percent"),
                        ),
                        (("张伟", 1234560, dt.date(2026, 11, 3), 87.5), ("王芳", None, None, None)),
                    ),
                ),
            ),
            Section(long_title, (Table((Column("任务"),), (), empty_text="本期没有逾期任务。"),)),
            Section("a/b:c", (), sheet_title="明细?"),
        ),
        footnotes=("注：销售额为含税金额。",),
    )


def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(write_document_xlsx(document())))


def test_one_sheet_per_section_after_the_summary():
    names = book().sheetnames
    assert names[0] == "概要"
    assert names[1] == "关键指标"
    assert len(names) == 5 and len(set(name.lower() for name in names)) == 5
    assert all(len(name) <= 31 for name in names)
    assert names[2] != names[3] and names[3].endswith("(2)")
    assert names[4] == "明细"  # a sheet_title wins; characters Excel forbids are removed


def test_summary_names_the_document():
    rows = list(book()["概要"].values)
    assert rows[0] == ("标题", "月度进度报告")
    assert rows[1] == ("对象与期间", "华东一组 · 2026年11月")
    assert rows[3][0] == "生成时间" and isinstance(rows[3][1], dt.datetime)
    assert rows[4] == ("备注", "注：销售额为含税金额。")


def test_figures_are_numbers_with_formats():
    sheet = book()["关键指标"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2) if row[0].value and len(row) > 1}
    money = cells["销售额"]
    assert money.value == 12345.6 and money.data_type == "n" and "0.00" in money.number_format
    percent = cells["完成率"]
    assert percent.value == 87.5 and percent.number_format == '0.0"%"'
    assert cells["拜访次数"].value == 342
    assert cells["张伟"].value == 9000  # bar chart rows: label and value
    texts = [row[0].value for row in sheet.iter_rows()]
    assert "'=SUM(A1) 不是公式" in texts  # a formula-looking text is made inert


def test_tables_keep_their_header_and_types():
    sheet = book().worksheets[2]
    rows = [row for row in sheet.iter_rows(min_row=3)]
    assert [cell.value for cell in rows[0]] == ["姓名", "销售额", "最近拜访", "完成率"]
    name, amount, visited, percent = rows[1]
    assert name.value == "张伟" and amount.value == 12345.6 and amount.data_type == "n"
    assert visited.is_date and visited.value.date() == dt.date(2026, 11, 3)
    assert percent.value == 87.5
    assert all(cell.value is None for cell in rows[2][1:])  # no value is an empty cell, not "—"
    assert book().worksheets[3]["A4"].value == "本期没有逾期任务。"
