"""Reading and writing spreadsheets as Chinese offices produce them.

CSV arrives as UTF-8, UTF-8 with a BOM, or GBK/GB18030 (Excel's "CSV" on a Chinese Windows);
XLSX is read with openpyxl in read-only mode (defusedxml guards its XML when installed).
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib import documents
from pacekeeper.lib.text import clean_text

XLSX_MAGIC = b"PK\x03\x04"
# Cells starting with these are formulas to Excel and friends (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_encoding(stream: BinaryIO) -> str:
    """UTF-8 (with or without BOM) first; anything that is not valid UTF-8 is read as GB18030,
    the superset of GBK and GB2312 that Chinese Excel writes. Decided by reading the whole file
    piece by piece, keeping none of it; the stream is rewound."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while piece := stream.read(1 << 20):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        stream.seek(0)
        return encoding
    raise ValidationFailed({"file": [_("The file is neither UTF-8 nor GBK/GB18030 text.")]})


def read_rows(data: bytes | BinaryIO, filename: str = "") -> Iterator[list]:
    """Rows of the first sheet (XLSX) or of the CSV, header row first, as lists of cells.
    XLSX cells keep their types (numbers, dates); CSV cells are strings. `data` may be an open
    file: it is read as the rows are, never whole (a worker's memory does not grow with the
    file). A file of more rows or cells than the limits allow (IMPORT_MAX_ROWS,
    IMPORT_MAX_CELLS) is refused as soon as the reading passes them."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    stream.seek(0)
    is_xlsx_name = filename.lower().endswith((".xlsx", ".xlsm"))
    is_xlsx_data = stream.read(4) == XLSX_MAGIC
    stream.seek(0)
    if is_xlsx_name != is_xlsx_data and filename:
        raise ValidationFailed({"file": [_("The file's name and its content do not agree (XLSX or CSV?).")]})
    if is_xlsx_data:
        return _within_limits(_xlsx_rows(stream))
    text = io.TextIOWrapper(stream, encoding=csv_encoding(stream), newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _within_limits(csv.reader(text, dialect))


# Columns read from a sheet: more than any kind of import has, with room for columns of the
# user's own. A sheet declaring 16,384 columns would otherwise come as rows of 16,384 cells.
XLSX_MAX_COLUMNS = 100


def _within_limits(rows: Iterable[list]) -> Iterator[list]:
    max_rows, max_cells = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS
    cells = 0
    for number, row in enumerate(rows):  # the header is row 0: it does not count
        cells += len(row)
        if number > max_rows:
            message = _("The file has more than %(rows)s rows. Split it into files of at most %(rows)s rows each.")
            raise ValidationFailed({"file": [message % {"rows": f"{max_rows:,}"}]})
        if cells > max_cells:
            message = _(
                "The file has more than %(cells)s cells (rows × columns). Remove the columns the import does "
                "not need, or split the file."
            )
            raise ValidationFailed({"file": [message % {"cells": f"{max_cells:,}"}]})
        yield row


# A zip member may unpack to at most this many times its packed size. Real spreadsheets pack
# 5–30×; a zip bomb packs thousands to one. Small members are exempt (tiny XML packs well).
XLSX_MAX_RATIO = 200
XLSX_RATIO_EXEMPT_BYTES = 1024 * 1024


def check_xlsx_container(data: bytes | BinaryIO) -> None:
    """Refuse a zip bomb from the zip's directory alone, before anything is unpacked. Python's
    zipfile never reads past a member's declared size, so the declared sizes bound the work."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        members = zipfile.ZipFile(stream).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationFailed({"file": [_("The XLSX file cannot be read: %(error)s") % {"error": error}]}) from None
    unpacked = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > XLSX_RATIO_EXEMPT_BYTES and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if inflated:
        raise ValidationFailed({"file": [_("The XLSX file unpacks to far more data than a spreadsheet holds.")]})
    shared_strings = sum(member.file_size for member in members if member.filename.endswith("sharedStrings.xml"))
    if unpacked > settings.XLSX_MAX_UNPACKED_BYTES or shared_strings > settings.XLSX_MAX_SHARED_STRINGS_BYTES:
        limit = filesizeformat(settings.XLSX_MAX_UNPACKED_BYTES)
        message = _(
            "The XLSX file holds more data than an import takes (at most %(size)s unpacked). Remove the "
            "columns and sheets the import does not need, save it as CSV, or split it."
        )
        raise ValidationFailed({"file": [message % {"size": limit}]})


def _xlsx_rows(stream: BinaryIO) -> Iterator[list]:
    import openpyxl
    from defusedxml import DefusedXmlException

    check_xlsx_container(stream)
    stream.seek(0)
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        if not book.worksheets:
            raise ValidationFailed({"file": [_("The XLSX file has no sheet.")]})
        sheet = book.worksheets[0]
        width = min(sheet.max_column or XLSX_MAX_COLUMNS, XLSX_MAX_COLUMNS)  # (from the sheet's own claim)
        for row in sheet.iter_rows(max_col=width, values_only=True):
            cells = ["" if cell is None else cell for cell in row]
            while cells and cells[-1] == "":  # a sheet without its size is padded to `width`
                cells.pop()
            yield cells
        book.close()
    except ValidationFailed:
        raise
    except Exception as error:
        # A damaged workbook makes openpyxl, zipfile, zlib or the XML parser fail in too many ways
        # to list (fuzzing found KeyError, zlib.error, TypeError…); each means "cannot be read".
        if _caused_by(error, DefusedXmlException):
            # openpyxl parses through defusedxml, which stops entity expansion ("billion laughs").
            message = _("The XLSX file contains XML entities, which are not allowed.")
        else:
            message = _("The XLSX file cannot be read: %(error)s") % {"error": str(error)[:200]}
        raise ValidationFailed({"file": [message]}) from None


def _caused_by(error: BaseException, kind: type) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets: a leading ' stops it being read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# A streamed CSV goes out in pieces of about this many characters: one write to the network per
# row would be 200,000 system calls for a large customer list.
CSV_PIECE = 64 * 1024


def write_csv(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as UTF-8 with a BOM, which Excel on Chinese Windows opens without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        if buffer.tell() >= CSV_PIECE:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def xlsx_safe(value: object) -> object:
    """A cell value openpyxl can write: XML 1.0, and so XLSX, cannot hold most C0 control
    characters (openpyxl refuses the whole workbook for one: IllegalCharacterError). Rows saved
    before input was cleaned may still hold them, so they are cleaned on the way out too."""
    if isinstance(value, str):
        value = clean_text(value)
    return neutralise(value)


def write_xlsx(header: list[str], rows: Iterable[list], *, sheet_title: str = "Sheet1") -> bytes:
    """Every XLSX the product writes goes through here (exports, audit, pay), so one place makes
    cells safe for the format."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    sheet.append([xlsx_safe(title) for title in header])
    for row in rows:
        sheet.append([xlsx_safe(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_response(name: str, header: list[str], rows: Iterable[list], file_format: str, *, sheet: str = ""):
    """A download of `rows` as `name`.xlsx (one sheet, `sheet`) or `name`.csv (streamed; cells
    must be text for CSV)."""
    from django.http import HttpResponse, StreamingHttpResponse

    if file_format == "xlsx":
        response = HttpResponse(write_xlsx(header, rows, sheet_title=sheet or name), content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{"xlsx" if file_format == "xlsx" else "csv"}"'
    return response


# Number formats of a document's values in XLSX. Money is the amount in major units (yuan, not
# fen) with its symbol; a percent is the number as pages show it (12.5 for 12.5 %) with a "%"
# sign in the format, so the cell equals the figure on the page and the PDF.
_XLSX_FORMATS = {"integer": "#,##0", "decimal": "#,##0.00", "percent": '0.0"%"', "date": "yyyy-mm-dd"}
_SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


def write_document_xlsx(document) -> bytes:
    """A `lib.documents.Document` as XLSX: a first sheet with the title, subject and period,
    organisation and when it was generated, then one sheet per section (named by its
    `sheet_title` or its title, at most 31 characters, unique). Key figures are label/value
    rows, tables keep their header row, bar charts their label/value rows; numbers, money and
    dates are cells of those types with number formats, never text."""
    import openpyxl
    from django.utils import timezone, translation

    book = openpyxl.Workbook(write_only=True)
    with translation.override(document.language):
        cover = book.create_sheet(title=_unique_sheet_title(_("Summary"), set()))
        generated = document.generated_at or timezone.now()
        if timezone.is_aware(generated):
            generated = timezone.make_naive(timezone.localtime(generated))
        cover.column_dimensions["A"].width = 18
        cover.column_dimensions["B"].width = 60
        for label, value, kind in (
            (_("Title"), document.title, "text"),
            (_("Subject and period"), document.subtitle, "text"),
            (_("Organisation"), document.organisation, "text"),
            (_("Generated at"), generated, "datetime"),
        ):
            cover.append([_xlsx_cell(cover, label), _xlsx_cell(cover, value, kind)])
        for note in document.footnotes:
            cover.append([_xlsx_cell(cover, _("Note")), _xlsx_cell(cover, note)])
    titles = {cover.title}
    for section in document.sections:
        sheet = book.create_sheet(title=_unique_sheet_title(section.sheet_title or section.title, titles))
        titles.add(sheet.title)
        sheet.column_dimensions["A"].width = 24
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 16
        sheet.append([_xlsx_cell(sheet, section.title)])
        for block in section.blocks:
            for row in _block_rows(block):
                sheet.append([_xlsx_cell(sheet, value, kind, currency) for value, kind, currency in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unique_sheet_title(title: str, taken: set[str]) -> str:
    """A valid sheet name: no []:*?/\\, at most 31 characters, not used yet (Excel compares
    names case-insensitively)."""
    base = (clean_text(title).translate(_SHEET_TITLE_FORBIDDEN).strip().strip("'") or "Sheet")[:31]
    lowered = {name.lower() for name in taken}
    candidate, number = base, 1
    while candidate.lower() in lowered:
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
    return candidate


def _block_rows(block) -> list[list[tuple]]:
    """A block as rows of (value, kind, currency), a blank row before each table and chart."""
    if isinstance(block, documents.Figure):
        row = [(block.label, "text", ""), (block.value, block.kind, block.currency)]
        return [row + [(block.note, "text", "")] if block.note else row]
    if isinstance(block, documents.Paragraph):
        return [[(block.text, "text", "")]]
    if isinstance(block, documents.Table):
        rows = [[], [(column.label, "text", "") for column in block.columns]]
        if not block.rows and block.empty_text:
            rows.append([(block.empty_text, "text", "")])
        for values in block.rows:
            rows.append(
                [(value, column.kind, column.currency) for column, value in zip(block.columns, values, strict=False)]
            )
        return rows
    if isinstance(block, documents.BarChart):
        rows = [[], [(block.title, "text", "")]]
        rows += [
            [(label, "text", ""), (value, block.kind, block.currency)]
            for label, value in zip(block.labels, block.values, strict=False)
        ]
        return rows
    return []


def _xlsx_cell(sheet, value: object, kind: str = "text", currency: str = ""):
    """One typed cell: money in major units with the currency's symbol and decimals, percent as
    the number shown with '0.0"%"', integers and decimals with separators, dates as dates."""
    from openpyxl.cell import WriteOnlyCell

    from pacekeeper.lib.money import CURRENCY_SYMBOLS, exponent, from_minor

    number_format = ""
    if value is None or value == "":
        value = None
    elif kind == "money":
        value = from_minor(int(value), currency or "CNY")
        places = exponent(currency or "CNY")
        symbol = CURRENCY_SYMBOLS.get(currency, "").replace('"', "")
        digits = "#,##0" + ("." + "0" * places if places else "")
        number_format = f'"{symbol}"{digits};-"{symbol}"{digits}' if symbol else digits
    elif kind in ("integer", "decimal", "percent"):
        value = Decimal(str(value)) if kind != "integer" else int(value)
        number_format = _XLSX_FORMATS[kind]
    elif kind == "date" and isinstance(value, dt.date):
        number_format = _XLSX_FORMATS["date"]
    elif kind == "datetime" and isinstance(value, dt.datetime):
        number_format = "yyyy-mm-dd hh:mm"
    else:
        value = xlsx_safe(value if isinstance(value, str) else str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell
