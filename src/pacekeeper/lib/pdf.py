"""The one PDF renderer (DESIGN rule 13): reports and statements (`render_pdf`) and one-page
certificates (`render_certificate_pdf`), from the document model in lib/documents.py.

ReportLab (from PyPI) lays the pages out; the only font is WenQuanYi Micro Hei, shipped in
lib/fonts/ with its licence (see lib/fonts/README.md) — never a font of the system, so a PDF
looks the same on every server. The font is parsed once per process (about half a second);
a report renders in tens of milliseconds after that.

Every value is shown through `documents.display` (rule 11), so the PDF, the page and the XLSX
agree. A character the font has no glyph for is not dropped unseen: it prints as 〓 (NO_GLYPH) and the
renderer logs its code point (`missing_glyphs` tells which).
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacekeeper.lib import documents, formatting
from pacekeeper.lib.documents import BarChart, Certificate, Document, Figure, Paragraph, Section, Table

logger = logging.getLogger(__name__)

FONT_FILE = Path(__file__).with_name("fonts") / "wqy-microhei.ttf"
FONT = "PacekeeperSans"
NUMERIC_KINDS = ("integer", "decimal", "percent", "money")

INK = "#1f2933"
MUTED = "#616e7c"
RULE = "#cbd2d9"
SHADE = "#f0f4f8"
BAR = "#3b6fb6"
NEGATIVE_BAR = "#b64a3b"

MARGIN_MM = 18

# ReportLab keeps per-document state in shared font objects and module settings; the server
# runs threads, so one document is laid out at a time in a process (each takes ~0.1 s).
_RENDERING = threading.Lock()


@functools.cache
def _font():
    """Register the shipped font with ReportLab, once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(FONT, str(FONT_FILE))
    pdfmetrics.registerFont(font)
    for bold in (0, 1):  # one face: <b> and <i> in a paragraph use it too
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return font


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` the PDF font cannot draw (sorted, each once; spaces ignored)."""
    glyphs = _font().face.charToGlyph
    return sorted({char for char in text if not char.isspace() and ord(char) not in glyphs})


# Printed instead of a character the font cannot draw (the font's own "no glyph" is blank, which
# would drop the character unseen): 〓, the geta mark Chinese and Japanese typesetting use for
# exactly this.
NO_GLYPH = "〓"


def _ink(text: str) -> str:
    """`text` with every character the font cannot draw replaced by NO_GLYPH."""
    glyphs = _font().face.charToGlyph
    if all(ord(char) in glyphs or char.isspace() for char in text):
        return text
    return "".join(char if ord(char) in glyphs or char.isspace() else NO_GLYPH for char in text)


def _warn_missing(texts: list[str], what: str) -> None:
    missing = missing_glyphs("".join(texts))
    if missing:
        logger.warning("PDF %r: the font has no glyph for %s", what, " ".join(f"U+{ord(c):04X}" for c in missing))


# ----------------------------------------------------------------------------------------------
# Styles


@functools.cache
def _styles(chinese: bool) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    _font()
    wrap = "CJK" if chinese else None  # CJK text breaks between any two characters

    def style(name, size, *, color=INK, leading=None, **options):
        return ParagraphStyle(
            name, fontName=FONT, fontSize=size, leading=leading or size * 1.4, textColor=color, wordWrap=wrap, **options
        )

    return {
        "organisation": style("organisation", 9.5, color=MUTED),
        "title": style("title", 20, leading=26, spaceBefore=4, spaceAfter=4),
        "subtitle": style("subtitle", 12, color=INK, spaceAfter=2),
        "generated": style("generated", 8.5, color=MUTED, spaceAfter=6),
        "section": style("section", 14, leading=19, spaceBefore=14, spaceAfter=6),
        "body": style("body", 10, leading=15, spaceAfter=6),
        "chart_title": style("chart_title", 10.5, leading=15, spaceBefore=4, spaceAfter=4),
        "cell": style("cell", 9, leading=12),
        "cell_number": style("cell_number", 9, leading=12, alignment=TA_RIGHT),
        "head": style("head", 9, leading=12, color=MUTED),
        "head_number": style("head_number", 9, leading=12, color=MUTED, alignment=TA_RIGHT),
        "figure_label": style("figure_label", 8.5, leading=11, color=MUTED),
        "figure_value": style("figure_value", 15, leading=19),
        "figure_note": style("figure_note", 8, leading=10.5, color=MUTED),
        "empty": style("empty", 9.5, leading=13, color=MUTED),
        "note": style("note", 8, leading=11, color=MUTED),
        "center": style("center", 11, leading=16, alignment=TA_CENTER),
    }


def _p(text: str, style):
    from reportlab.platypus import Paragraph as Para

    return Para(escape(_ink(str(text))).replace("\n", "<br/>"), style)


# ----------------------------------------------------------------------------------------------
# Reports and statements


def render_pdf(document: Document) -> bytes:
    """The document as an A4 PDF: organisation, title, subtitle, when it was generated, then
    each section's figures, tables, paragraphs and bar charts, footnotes last; every page
    numbered "第 1 / 3 页" / "Page 1 of 3"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _font()
    with translation.override(document.language):
        chinese = formatting.is_chinese(document.language)
        styles = _styles(chinese)
        story = _story(document, styles, A4[0] - 2 * MARGIN_MM * mm)
        out = io.BytesIO()
        template = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN_MM * mm,
            rightMargin=MARGIN_MM * mm,
            topMargin=MARGIN_MM * mm + 4 * mm,
            bottomMargin=MARGIN_MM * mm,
            title=document.title,
            subject=document.subtitle,
            author=document.organisation,
            creator="Pacekeeper",
            lang="zh-CN" if chinese else "en",
        )
        page_label = _("Page %(page)s of %(pages)s")
        with _RENDERING:
            template.build(story, canvasmaker=_numbered_canvas(document, page_label))
    _warn_missing(_texts(document), document.title)
    return out.getvalue()


def _story(document: Document, styles: dict, width: float) -> list:
    from reportlab.platypus import KeepTogether, Spacer

    generated = document.generated_at or timezone.now()
    if timezone.is_aware(generated):
        generated = timezone.localtime(generated)
    story = [
        _p(document.organisation, styles["organisation"]),
        _p(document.title, styles["title"]),
        _p(document.subtitle, styles["subtitle"]),
        _p(
            _("Generated %(when)s") % {"when": formatting.format_datetime(generated, document.language)},
            styles["generated"],
        ),
    ]
    for section in document.sections:
        story.extend(_section(section, document.language, styles, width))
    if document.footnotes:
        story.append(Spacer(1, 10))
        story.append(KeepTogether([_rule(width), *(_p(note, styles["note"]) for note in document.footnotes)]))
    return story


def _rule(width: float):
    from reportlab.platypus.flowables import HRFlowable

    return HRFlowable(width=width, thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=4)


def _section(section: Section, language: str, styles: dict, width: float) -> list:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    flowables: list = []
    figures: list[Figure] = []
    for block in (*section.blocks, None):
        if isinstance(block, Figure):
            figures.append(block)
            continue
        if figures:
            flowables.extend(_figures(figures, language, styles, width))
            figures = []
        if isinstance(block, Table):
            flowables.append(_table(block, language, styles, width))
            flowables.append(Spacer(1, 8))
        elif isinstance(block, Paragraph):
            flowables.append(_p(block.text, styles["body"]))
        elif isinstance(block, BarChart):
            flowables.extend(_bar_chart(block, language, styles, width))
    # The heading stays with what follows it: never alone at the foot of a page.
    # (A chart kept together is opened up: ReportLab moves a KeepTogether nested in another to
    # the next page even when both fit.)
    first = flowables[:1]
    if first and isinstance(first[0], KeepTogether):
        first = list(first[0]._content)
    head = [_p(section.title, styles["section"]), _rule(width), *first]
    return [CondPageBreak(60), KeepTogether(head), *flowables[1:]]


FIGURES_PER_ROW = 4
FIGURE_GAP = 6


def _figures(figures: list[Figure], language: str, styles: dict, width: float) -> list:
    """Key figures as a row of boxes (four to a row)."""
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as Grid

    flowables = []
    per_row = min(FIGURES_PER_ROW, len(figures))
    box = (width - FIGURE_GAP * (per_row - 1)) / per_row
    for start in range(0, len(figures), per_row):
        row, widths, commands = [], [], [("VALIGN", (0, 0), (-1, -1), "TOP")]
        for index, figure in enumerate(figures[start : start + per_row]):
            if index:
                row.append("")
                widths.append(FIGURE_GAP)
            column = len(row)
            cell = [
                _p(figure.label, styles["figure_label"]),
                _p(documents.display(figure.value, figure.kind, language, figure.currency), styles["figure_value"]),
            ]
            if figure.note:
                cell.append(_p(figure.note, styles["figure_note"]))
            row.append(cell)
            widths.append(box)
            commands += [
                ("BOX", (column, 0), (column, 0), 0.6, RULE),
                ("BACKGROUND", (column, 0), (column, 0), SHADE),
                ("TOPPADDING", (column, 0), (column, 0), 6),
                ("BOTTOMPADDING", (column, 0), (column, 0), 7),
                ("LEFTPADDING", (column, 0), (column, 0), 7),
                ("RIGHTPADDING", (column, 0), (column, 0), 7),
            ]
        grid = Grid([row], colWidths=widths, hAlign="LEFT")
        grid.setStyle(commands)
        flowables += [grid, Spacer(1, 8)]
    return flowables


def _column_widths(table: Table, cells: list[list[str]], width: float) -> list[float]:
    """Numbers and dates get the width of their longest value; text columns share the rest
    (and wrap)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 12
    natural = [
        max(stringWidth(text, FONT, 9) for text in [column.label, *(row[index] for row in cells)]) + padding
        for index, column in enumerate(table.columns)
    ]
    if sum(natural) <= width:
        spare = width - sum(natural)
        text_columns = [i for i, column in enumerate(table.columns) if column.kind == "text"] or range(len(natural))
        share = sum(natural[i] for i in text_columns)
        return [w + (spare * w / share if i in text_columns else 0) for i, w in enumerate(natural)]
    fixed = {i: min(natural[i], width * 0.22) for i, column in enumerate(table.columns) if column.kind != "text"}
    rest = width - sum(fixed.values())
    flexible = sorted((i for i in range(len(natural)) if i not in fixed), key=lambda i: natural[i])
    if not flexible or rest < 40 * len(flexible):  # too many columns: everyone shares, all wrap
        return [width * w / sum(natural) for w in natural]
    # Short text columns (names, teams) keep their width; the long ones share what is left.
    widths = dict(fixed)
    for position, i in enumerate(flexible):
        widths[i] = min(natural[i], rest / (len(flexible) - position))
        rest -= widths[i]
    return [widths[i] for i in range(len(natural))]


def _table(table: Table, language: str, styles: dict, width: float):
    """A table whose header repeats on every page; numbers right-aligned; long text wraps.
    A cell that fits its column is a plain string (fast); only longer ones become paragraphs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table as Grid

    if not table.rows:
        return _p(table.empty_text or "—", styles["empty"])
    count = len(table.columns)  # a row of another length is padded or cut to the columns
    cells = [
        [
            documents.display(value, column.kind, language, column.currency)
            for column, value in zip(table.columns, (*row, *(None,) * count)[:count], strict=True)
        ]
        for row in table.rows
    ]
    widths = _column_widths(table, cells, width)
    numeric = [column.kind in NUMERIC_KINDS for column in table.columns]

    def cell(text: str, index: int, head: bool = False):
        if "\n" not in text and stringWidth(text, FONT, 9) + 12 <= widths[index]:
            return _ink(text)
        name = ("head" if head else "cell") + ("_number" if numeric[index] else "")
        return _p(text, styles[name])

    header = [cell(column.label, i, head=True) for i, column in enumerate(table.columns)]
    body = [[cell(text, i) for i, text in enumerate(row)] for row in cells]
    # splitInRow: a row taller than a page (a very long note) continues on the next page.
    grid = Grid([header, *body], colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 9, 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), _color(INK)),
        ("TEXTCOLOR", (0, 0), (-1, 0), _color(MUTED)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), _color(SHADE)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _color(MUTED)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, _color(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in range(len(numeric)) if numeric[i]]
    grid.setStyle(commands)
    return grid


BAR_ROW = 17


def _bar_chart(chart: BarChart, language: str, styles: dict, width: float) -> list:
    """A horizontal bar chart: the title states the finding; each bar has its label on the left
    and its value on the right. Drawn as a table of rows, so long labels wrap and a long chart
    continues on the next page."""
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import KeepTogether, Spacer
    from reportlab.platypus import Table as Grid

    title = _p(chart.title, styles["chart_title"])
    if not chart.labels:
        return [title, _p("—", styles["empty"])]
    shown = [documents.display(value, chart.kind, language, chart.currency) for value in chart.values]
    numbers = [float(value) if value not in (None, "") else 0.0 for value in chart.values]
    label_width = min(max(stringWidth(label, FONT, 9) for label in chart.labels) + 14, width * 0.32)
    value_width = max(stringWidth(text, FONT, 9) for text in shown) + 12
    bar_width = width - label_width - value_width
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    span = (high - low) or 1.0
    zero = bar_width * (-low / span)
    rows = []
    for label, number, text in zip(chart.labels, numbers, shown, strict=False):
        drawing = Drawing(bar_width, BAR_ROW)
        length = bar_width * abs(number) / span
        left = zero - length if number < 0 else zero
        fill = _color(NEGATIVE_BAR if number < 0 else BAR)
        drawing.add(Rect(left, 3, length, BAR_ROW - 6, fillColor=fill, strokeColor=None))
        if low < 0:
            drawing.add(Line(zero, 0, zero, BAR_ROW, strokeColor=_color(MUTED), strokeWidth=0.5))
        rows.append([_p(label, styles["cell"]), drawing, _p(text, styles["cell_number"])])
    grid = Grid(rows, colWidths=[label_width, bar_width, value_width], hAlign="LEFT")
    grid.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (1, 0), (1, -1), 0),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    if len(rows) <= 12:
        return [KeepTogether([title, grid]), Spacer(1, 8)]
    return [title, grid, Spacer(1, 8)]


def _color(value: str):
    from reportlab.lib.colors import HexColor

    return HexColor(value)


def _numbered_canvas(document: Document, page_label: str):
    """A canvas that holds its pages until the end, to number them "page of pages" and put the
    organisation and the title at the head of every page after the first."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            pages = len(self._held)
            for page, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._decorate(page, pages)
                super().showPage()
            super().save()

        def _decorate(self, page: int, pages: int) -> None:
            page_width, page_height = self._pagesize
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(_color(MUTED))
            self.drawCentredString(page_width / 2, MARGIN_MM * mm / 2, page_label % {"page": page, "pages": pages})
            if page > 1:
                top = page_height - MARGIN_MM * mm / 2 - 2 * mm
                edge = MARGIN_MM * mm + 6  # the text's edge: the frame pads by 6 pt
                self.drawString(edge, top, _fit(document.organisation, page_width / 2 - edge))
                # The subtitle names the subject and the period; the title would say the subject again.
                heading = _fit(document.subtitle or document.title, page_width / 2 - edge)
                self.drawRightString(page_width - edge, top, heading)
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, width: float, size: float = 8) -> str:
    """The running head shortened with "…" to fit (the full text is on the first page)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = _ink(text)
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _texts(document: Document) -> list[str]:
    texts = [document.title, document.subtitle, document.organisation, *document.footnotes]
    for section in document.sections:
        texts.append(section.title)
        for block in section.blocks:
            if isinstance(block, Figure):
                texts += [block.label, block.note, str(block.value)]
            elif isinstance(block, Table):
                texts += [column.label for column in block.columns] + [block.empty_text]
                texts += [str(value) for row in block.rows for value in row if value is not None]
            elif isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, BarChart):
                texts += [block.title, *block.labels]
    return texts


# ----------------------------------------------------------------------------------------------
# Certificates


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """A one-page certificate on landscape A4: organisation, title, "awarded to" the person,
    what they achieved, who grants it and the date, and the certificate's number if any.
    Long texts get smaller type, never a second page."""
    _font()
    with _RENDERING:
        return _certificate(certificate)


def _certificate(certificate: Certificate) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    _font()
    language = certificate.language
    with translation.override(language):
        chinese = formatting.is_chinese(language)
        awarded_to = _("Awarded to")
        number_label = _("Certificate no. %(number)s") % {"number": certificate.number} if certificate.number else ""
    width, height = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"{certificate.title} · {certificate.person}")
    canvas.setAuthor(certificate.organisation)
    canvas.setCreator("Pacekeeper")

    # Frame: a thick and a thin border.
    canvas.setStrokeColor(_color(BAR))
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    inner = width - 70 * mm

    def centred(text: str, size: float, y: float, color: str = INK) -> None:
        while size > 8 and stringWidth(text, FONT, size) > inner:
            size -= 0.5
        canvas.setFont(FONT, size)
        canvas.setFillColor(_color(color))
        canvas.drawCentredString(width / 2, y, _fit(text, inner, size))

    centred(certificate.organisation, 14, height - 40 * mm, MUTED)
    title = certificate.title
    if chinese and len(title) <= 6:  # 荣 誉 证 书: spaced, as Chinese certificates print it
        title = " ".join(title)
    centred(title, 36, height - 62 * mm)
    centred(awarded_to, 12, height - 80 * mm, MUTED)
    centred(certificate.person, 28, height - 96 * mm)
    canvas.setStrokeColor(_color(RULE))
    canvas.setLineWidth(0.6)
    canvas.line(width / 2 - 60 * mm, height - 100 * mm, width / 2 + 60 * mm, height - 100 * mm)

    box_height = 42 * mm
    paragraph = _certificate_paragraph(certificate.achievement, chinese, inner, box_height)
    used = paragraph.wrap(inner, box_height)[1]
    paragraph.drawOn(canvas, (width - inner) / 2, height - 108 * mm - used)

    issuer = certificate.issuer or certificate.organisation
    canvas.setFont(FONT, 12)
    canvas.setFillColor(_color(INK))
    right = width - 40 * mm
    canvas.drawRightString(right, 42 * mm, _fit(issuer, inner / 2, 12))
    canvas.drawRightString(right, 34 * mm, formatting.format_date(certificate.date, language))
    if number_label:
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(_color(MUTED))
        canvas.drawString(40 * mm, 34 * mm, _fit(number_label, inner / 2, 8.5))
    canvas.showPage()
    canvas.save()
    _warn_missing(
        [certificate.title, certificate.organisation, certificate.person, certificate.achievement, issuer],
        certificate.title,
    )
    return out.getvalue()


def _certificate_paragraph(text: str, chinese: bool, width: float, height: float):
    """The achievement, centred, in the largest type (16 pt down to 8 pt) that fits the box; a
    text too long even at 8 pt is cut with "…" (and logged): a certificate is one page."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as Para

    def laid_out(text: str, size: float):
        style = ParagraphStyle(
            "achievement",
            fontName=FONT,
            fontSize=size,
            leading=size * 1.6,
            alignment=TA_CENTER,
            textColor=INK,
            wordWrap="CJK" if chinese else None,
        )
        paragraph = Para(escape(_ink(text)).replace("\n", "<br/>"), style)
        return paragraph, paragraph.wrap(width, height)[1] <= height

    for size in range(16, 7, -1):
        paragraph, fits = laid_out(text, size)
        if fits:
            return paragraph
    logger.warning("Certificate text of %s characters cut to fit one page", len(text))
    low, high = 0, len(text)  # the longest beginning that fits with "…"
    while low < high:
        middle = (low + high + 1) // 2
        if laid_out(text[:middle] + "…", 8)[1]:
            low = middle
        else:
            high = middle - 1
    return laid_out(text[:low] + "…", 8)[0]
