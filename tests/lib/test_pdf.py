"""The one PDF renderer (DESIGN rule 13): Chinese text comes out with real glyphs, figures are
shown the one way (rule 11), pages are numbered, certificates fit one page."""

import datetime as dt
import io
import logging

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pacekeeper.lib import pdf
from pacekeeper.lib.documents import (
    BarChart,
    Certificate,
    Column,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
)

NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "欧阳婧", "司马睿", "诸葛瑾", "龚喆")
# Names and words of the product that the font must draw: people (with rarer given-name
# characters), places, terms of the trade, and the signs figures use.
SAMPLE = (
    "".join(NAMES)
    + "堃昇赟玥珺婕琰祎彧钰翀淼鑫燚犇骉晗昕曦璐瑶"
    + "华东一组华南二组北京上海广州深圳成都重庆杭州南京武汉西安苏州天津长沙郑州沈阳哈尔滨乌鲁木齐"
    + "客户经理销售额完成率回款拜访商机合同报价目标达成考核绩效提成奖金工资条证书荣誉培训结业"
    + "月度进度报告周报日报问题措施逾期本月至今较上月同期全年季度第页共生成于注"
    + "¥％%—–·…“”‘’、。，：；！？（）《》【】✓✕▲▼0123456789ABCXYZabcxyz€$£±×°"
)


def report(language: str = "zh-hans", rows: int = 60) -> Document:
    zh = language.startswith("zh")
    table_rows = tuple(
        (
            NAMES[i % len(NAMES)],
            "华东一组" if i % 2 else "华南二组",
            1234560 + i * 98765,
            round(i * 7.3 % 120, 1),
            dt.date(2026, 11, 1 + i % 28),
            "客户对新产品方案反馈积极，需协调技术支持安排现场演示并准备报价单" * (1 + i % 3)
            if i % 5 == 0
            else "按计划推进",
        )
        for i in range(rows)
    )
    return Document(
        title="月度进度报告" if zh else "Monthly progress report",
        subtitle="华东一组 · 2026年11月" if zh else "East China Team 1 · Nov 2026",
        language=language,
        organisation="上海示例科技有限公司",
        generated_at=dt.datetime(2026, 12, 3, 9, 30),
        sections=(
            Section(
                "关键指标" if zh else "Key figures",
                (
                    Figure("销售额" if zh else "Sales", 1234560, "money", "CNY", "较上月 +3.2%"),
                    Figure("完成率" if zh else "Attainment", 87.5, "percent"),
                    Figure("拜访次数" if zh else "Visits", 342),
                    Paragraph("本月团队整体完成率达到87.5%，较上月提升3.2个百分点。<b>&amp;</b>"),
                    BarChart(
                        "张伟的销售额最高" if zh else "Zhang Wei sold the most",
                        NAMES[:5],
                        (900000, 800000, 700000, 600000, -50000),
                        "money",
                        "CNY",
                    ),
                ),
            ),
            Section(
                "成员明细" if zh else "Members",
                (
                    Table(
                        (
                            Column("姓名" if zh else "Name"),
                            Column("团队" if zh else "Team"),
                            Column("销售额" if zh else "Sales", "money", "CNY"),
                            Column("完成率" if zh else "Attainment", "percent"),
                            Column("最近拜访" if zh else "Last visit", "date"),
                            Column("备注" if zh else "Note"),
                        ),
                        table_rows,
                    ),
                    Table((Column("任务"),), (), empty_text="本期没有逾期任务。"),
                ),
            ),
        ),
        footnotes=("注：销售额为含税金额。",),
    )


@pytest.fixture(scope="module")
def zh_pdf() -> bytes:
    return pdf.render_pdf(report("zh-hans"))


@pytest.fixture(scope="module")
def en_pdf() -> bytes:
    return pdf.render_pdf(report("en"))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_chinese_report_carries_its_names_and_figures_as_text(zh_pdf):
    texts = page_texts(zh_pdf)
    whole = "\n".join(texts)
    assert zh_pdf.startswith(b"%PDF")
    assert "华东一组" in whole
    assert "¥12,345.60" in whole  # the figure, shown as lib/formatting shows money
    assert "87.5%" in whole and "2026年11月1日" in whole
    assert "上海示例科技有限公司" in whole and "月度进度报告" in whole
    assert "本期没有逾期任务。" in whole  # an empty table says so
    assert "<b>&amp;</b>" in whole  # text is text, never markup
    assert "注：销售额为含税金额。" in texts[-1]


def test_pages_are_numbered_and_the_table_header_repeats(zh_pdf):
    texts = page_texts(zh_pdf)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} / {len(texts)} 页" in text
    for text in texts[2:-1]:  # pages inside the long table start with its header
        assert "姓名" in text and "最近拜访" in text
    for text in texts[1:]:  # the running head: the organisation, then the subject and period (not the title)
        assert text.rstrip().endswith("上海示例科技有限公司\n华东一组 · 2026年11月")


def test_an_english_report_speaks_english(en_pdf):
    texts = page_texts(en_pdf)
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "Generated 3 Dec 2026 09:30" in texts[0]
    assert "1 Nov 2026" in "".join(texts)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_first_page_is_drawn_with_real_glyphs(language, zh_pdf, en_pdf):
    """Rasterised, the page has ink, and the title (Chinese in zh) is dark pixels, not blank."""
    import pypdfium2

    document = pypdfium2.PdfDocument(zh_pdf if language == "zh-hans" else en_pdf)
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()
    width, height = image.size
    dark = sum(image.histogram()[:128])
    assert dark > width * height * 0.01
    # The title's line: 18 mm + 4 mm top margin, below the organisation's line.
    title = image.crop((40, 75, 300, 125))
    assert sum(title.histogram()[:100]) > 200


def test_the_font_draws_every_character_of_typical_names_and_terms():
    assert pdf.missing_glyphs(SAMPLE) == []
    assert pdf.missing_glyphs("吉𠮷") == ["𠮷"]  # a character outside the font is found


def test_a_missing_glyph_is_reported_not_silently_dropped(caplog):
    document = Document(title="𠮷野家", subtitle="x", language="zh-hans", organisation="示例")
    with caplog.at_level(logging.WARNING, logger="pacekeeper.lib.pdf"):
        data = pdf.render_pdf(document)
    assert "U+20BB7" in caplog.text
    assert "〓野家" in page_texts(data)[0]  # a visible mark where the character was


def test_the_font_is_the_shipped_one():
    assert pdf.FONT_FILE.is_file() and (pdf.FONT_FILE.parent / "LICENSE-Apache-2.0.txt").is_file()
    assert pdf.FONT_FILE.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines


def test_a_certificate_is_one_page_even_with_a_long_text():
    certificate = Certificate(
        title="荣誉证书",
        organisation="上海示例科技有限公司",
        person="欧阳婧",
        achievement="在2026年第三季度销售竞赛中表现突出，荣获华东区销售冠军。特发此证，以资鼓励。" * 12,
        date=dt.date(2026, 10, 8),
        language="zh-hans",
        issuer="华东区销售部",
        number="HR-2026-0042",
    )
    data = pdf.render_certificate_pdf(certificate)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "欧阳婧" in text and "华东区销售部" in text and "2026年10月8日" in text
    assert "授予" in text and "证书编号：HR-2026-0042" in text


def test_an_english_certificate():
    certificate = Certificate(
        title="Certificate of Completion",
        organisation="Shanghai Example Technology Co., Ltd.",
        person="Zhang Wei",
        achievement="Completed the key account management training (16 hours).",
        date=dt.date(2026, 10, 8),
        language="en",
    )
    text = PdfReader(io.BytesIO(pdf.render_certificate_pdf(certificate))).pages[0].extract_text()
    assert "Awarded to" in text and "Zhang Wei" in text and "8 Oct 2026" in text


def test_a_note_longer_than_a_page_continues_on_the_next_page():
    note = "客户对新产品方案反馈积极，需协调技术支持。" * 300
    document = Document(
        title="周报",
        subtitle="张伟 · 2026年第48周",
        language="zh-hans",
        organisation="示例",
        sections=(
            Section("明细", (Table((Column("日期", "date"), Column("备注")), ((dt.date(2026, 11, 23), note),)),)),
        ),
    )
    texts = page_texts(pdf.render_pdf(document))
    assert len(texts) >= 2
    assert "".join(texts).count("需") == 300  # none lost (a phrase may be cut by a page's foot and head)


def test_odd_documents_still_render():
    """Ragged rows, missing values, empty charts, markup-like text and huge numbers never fail
    a render."""
    document = Document(
        title="<b>标题</b> & <para>",
        subtitle="",
        language="en",
        organisation="",
        sections=(
            Section(
                "<i>",
                (
                    Table((Column("a"), Column("b", "money", "CNY")), (("1",), ("1", 2, "extra"))),
                    Figure("none", None),
                    Figure("huge", 10**17, "money", "CNY"),
                    BarChart("empty", (), ()),
                    BarChart("none", ("x", "y"), (None, 0)),
                    Table(tuple(Column(f"列{i}", "money", "CNY") for i in range(14)), ((10**12,) * 14,)),
                ),
            ),
            Section("empty"),
        ),
    )
    text = page_texts(pdf.render_pdf(document))[0]
    assert "<b>标题</b> & <para>" in text and "¥0.02" in text and "¥1,000,000,000,000,000.00" in text


@given(texts=st.lists(st.text(max_size=100), min_size=1, max_size=5), values=st.lists(st.integers(), max_size=6))
@hypothesis_settings(max_examples=12, deadline=None)
def test_any_text_renders(texts, values):
    document = Document(
        title=texts[0],
        subtitle=texts[-1],
        language="zh-hans",
        organisation=texts[0],
        sections=(
            Section(
                texts[0],
                (
                    Paragraph(texts[-1]),
                    Table((Column(texts[0]), Column("n", "integer")), tuple((text, len(text)) for text in texts)),
                    BarChart(texts[0], tuple(texts[: len(values)]), tuple(values[: len(texts)])),
                ),
            ),
        ),
    )
    assert pdf.render_pdf(document).startswith(b"%PDF")


def test_only_lib_pdf_uses_a_pdf_library():
    """DESIGN rule 13: one renderer. Features build a Document and call lib/pdf."""
    from pathlib import Path

    source = Path(pdf.__file__).parents[1]
    users = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if path != Path(pdf.__file__) and any(name in path.read_text() for name in ("reportlab", "fpdf", "weasyprint"))
    ]
    assert users == []


def test_documents_rendered_in_parallel_threads_are_each_whole():
    """The server runs threads: documents rendered at once must not mix."""
    from concurrent.futures import ThreadPoolExecutor

    def render(number: int) -> str:
        document = Document(
            title=f"报告{number}",
            subtitle="华东一组",
            language="zh-hans",
            organisation="示例",
            sections=(Section("明细", (Table((Column("姓名"), Column("n", "integer")), ((NAMES[number], number),)),)),),
        )
        return "".join(page_texts(pdf.render_pdf(document)))

    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(render, range(8)))
    for number, text in enumerate(texts):
        assert f"报告{number}" in text and NAMES[number] in text
