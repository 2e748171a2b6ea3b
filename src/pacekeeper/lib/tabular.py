"""Reading and writing spreadsheets as Chinese offices produce them.

CSV arrives as UTF-8, UTF-8 with a BOM, or GBK/GB18030 (Excel's "CSV" on a Chinese Windows);
XLSX is read with openpyxl in read-only mode (defusedxml guards its XML when installed).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed

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


def _xlsx_rows(data: bytes) -> Iterator[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationFailed({"file": [_("The XLSX file cannot be read: %(error)s") % {"error": error}]}) from None
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if cell is None else cell for cell in row]
    book.close()


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets: a leading ' stops it being read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """CSV as UTF-8 with a BOM, which Excel on Chinese Windows opens without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue().encode()


def write_xlsx(header: list[str], rows: Iterable[list], *, sheet_title: str = "Sheet1") -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
