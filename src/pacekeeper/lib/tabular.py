"""Reading and writing spreadsheets as Chinese offices produce them.

CSV arrives as UTF-8, UTF-8 with a BOM, or GBK/GB18030 (Excel's "CSV" on a Chinese Windows);
XLSX is read with openpyxl in read-only mode (defusedxml guards its XML when installed).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.text import clean_text

XLSX_MAGIC = b"PK\x03\x04"
# Cells starting with these are formulas to Excel and friends (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; anything that is not valid UTF-8 is read as GB18030,
    the superset of GBK and GB2312 that Chinese Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": [_("The file is neither UTF-8 nor GBK/GB18030 text.")]}) from None


def read_rows(data: bytes, filename: str = "") -> Iterator[list]:
    """Rows of the first sheet (XLSX) or of the CSV, header row first, as lists of cells.
    XLSX cells keep their types (numbers, dates); CSV cells are strings."""
    is_xlsx_name = filename.lower().endswith((".xlsx", ".xlsm"))
    is_xlsx_data = data[:4] == XLSX_MAGIC
    if is_xlsx_name != is_xlsx_data and filename:
        raise ValidationFailed({"file": [_("The file's name and its content do not agree (XLSX or CSV?).")]})
    if is_xlsx_data:
        return _xlsx_rows(data)
    text = decode_csv(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


# A zip member may unpack to at most this many times its packed size. Real spreadsheets pack
# 5–30×; a zip bomb packs thousands to one. Small members are exempt (tiny XML packs well).
XLSX_MAX_RATIO = 200
XLSX_RATIO_EXEMPT_BYTES = 1024 * 1024


def check_xlsx_container(data: bytes) -> None:
    """Refuse a zip bomb from the zip's directory alone, before anything is unpacked. Python's
    zipfile never reads past a member's declared size, so the declared sizes bound the work."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationFailed({"file": [_("The XLSX file cannot be read: %(error)s") % {"error": error}]}) from None
    unpacked = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > XLSX_RATIO_EXEMPT_BYTES and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if inflated or unpacked > settings.XLSX_MAX_UNPACKED_BYTES:
        raise ValidationFailed({"file": [_("The XLSX file unpacks to far more data than a spreadsheet holds.")]})


def _xlsx_rows(data: bytes) -> Iterator[list]:
    import openpyxl
    from defusedxml import DefusedXmlException

    check_xlsx_container(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not book.worksheets:
            raise ValidationFailed({"file": [_("The XLSX file has no sheet.")]})
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else cell for cell in row]
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
