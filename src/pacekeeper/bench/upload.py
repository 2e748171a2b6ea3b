"""`pacekeeper bench upload`: the peak memory of a worker importing the worst file the limits
allow (issue 13: a compliant XLSX took a worker from 78 MB to 891 MB).

The file is built to cost the most memory an import can be made to spend: as many rows as
`PACEKEEPER_IMPORT_MAX_ROWS` allows, every row valid (valid rows are kept until they are written,
bad ones are only counted), every kept text unique and as long as its column allows, and the
sheet as large as `PACEKEEPER_XLSX_MAX_UNPACKED_BYTES` allows, filled with a column the import
does not read. Strings are inline (a shared-strings table would share the repeats).

The import runs in a process of its own, started after the database and the file are ready,
and reports its own peak resident set size (`ru_maxrss`): what a worker would need.
"""

import csv
import datetime as dt
import random
import resource
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.management import call_command

from pacekeeper.crm.imports import import_apply
from pacekeeper.demo.seed import seed_organization
from pacekeeper.tenancy.models import Role, User
from pacekeeper.tenancy.scopes import actor_for

UNTIL = dt.date(2026, 6, 30)
HEADER = ["订单号", "客户编号", "下单日期", "金额", "毛利", "产品线", "状态", "客户经理", "备注（不导入）"]
FILE_NAME = "worst.xlsx"
CSV_NAME = "worst-customers.csv"
CUSTOMER_HEADER = ["客户编号", "客户名称", "行业", "区域", "来源", "需求与偏好", "客户经理"]
# The customers' text columns with their longest allowed values, in the order they are filled.
CUSTOMER_TEXT = (("name", 200), ("industry", 100), ("region", 100), ("source", 100), ("needs", 5000))
# Kept text is random, so that it is unique and the sheet packs like real text does (a sheet
# that packs 200 to one is refused as a zip bomb); Chinese costs Python two bytes a character.
ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CJK = range(0x4E00, 0x9FA6)

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="sales" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _row_xml(number: int, cells: list) -> str:
    parts = []
    for index, value in enumerate(cells):
        ref = f"{_column_letter(index)}{number}"
        if isinstance(value, int | float):
            parts.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'


def write_worst_xlsx(path: Path, *, rows: int, unpacked_bytes: int, customers: list[tuple[str, str]]) -> dict:
    """A sales workbook of up to `rows` valid rows whose sheet unpacks to about `unpacked_bytes`
    (fewer rows when the longest valid rows do not all fit)."""
    rng = random.Random(1)
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    budget = unpacked_bytes - sum(len(text.encode()) for text in _PARTS.values()) - len(head) - len(tail)
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            header = _row_xml(1, HEADER).encode()
            sheet.write(header)
            budget -= len(header)
            for number in range(rows):
                external_id, manager = customers[rng.randrange(len(customers))]
                day = UNTIL - dt.timedelta(days=rng.randrange(720))
                cells = [
                    f"{number:010d}" + "".join(rng.choices(ALPHANUMERIC, k=54)),  # the longest order number
                    external_id,
                    day.isoformat(),
                    rng.randrange(1, 10**9) / 100,
                    rng.randrange(1, 10**8) / 100,
                    "".join(map(chr, rng.choices(CJK, k=100))),  # the longest product line, in Chinese
                    "已确认",
                    manager,
                    "",
                ]
                xml = _row_xml(number + 2, cells).encode()
                room = budget // (rows - number) - len(xml)
                if room > 60:  # fill the sheet up to the unpacked limit with a column nobody reads
                    cells[-1] = f"{number:x}".ljust(room - 60, "z")
                    xml = _row_xml(number + 2, cells).encode()
                if len(xml) > budget:
                    break
                sheet.write(xml)
                budget -= len(xml)
                written += 1
            sheet.write(tail)
    with zipfile.ZipFile(path) as book:
        unpacked = sum(member.file_size for member in book.infolist())
    return {"rows_in_file": written, "file_bytes": path.stat().st_size, "unpacked_bytes": unpacked}


def write_worst_csv(path: Path, *, rows: int, size: int, managers: list[str]) -> dict:
    """A customers CSV of `rows` valid rows, as near `size` bytes as the rows allow: every kept
    text unique, Chinese, filled column after column up to its longest allowed value."""
    rng = random.Random(2)
    per_row = size // max(rows, 1) - 120  # the id, the manager, separators
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CUSTOMER_HEADER)
        for number in range(rows):
            room, texts = per_row, []
            for _name, longest in CUSTOMER_TEXT:
                length = max(min(longest, room // 3), 1)  # three bytes a character in UTF-8
                texts.append("".join(map(chr, rng.choices(CJK, k=length))))
                room -= 3 * length
            writer.writerow([f"C{number:09d}", *texts, managers[number % len(managers)]])
    return {"csv_rows": rows, "csv_bytes": path.stat().st_size}


def prepare(folder: Path) -> dict:
    """In a child process: a small organisation, and the worst files the limits allow."""
    call_command("migrate", verbosity=0)
    result = seed_organization(managers=50, customers=5000, months=1, seed=1, until=UNTIL, with_goals=False)
    del result
    from pacekeeper.crm.models import Customer

    customers = list(Customer.objects.values_list("external_id", "owner__username"))
    built = write_worst_xlsx(
        folder / FILE_NAME,
        rows=settings.IMPORT_MAX_ROWS,
        unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
        customers=customers,
    )
    managers = sorted({username for _id, username in customers})
    size = settings.IMPORT_MAX_BYTES - 1024
    return built | write_worst_csv(folder / CSV_NAME, rows=settings.IMPORT_MAX_ROWS, size=size, managers=managers)


def limits() -> dict:
    return {
        name.lower(): getattr(settings, name)
        for name in (
            "IMPORT_MAX_ROWS",
            "IMPORT_MAX_CELLS",
            "IMPORT_MAX_BYTES",
            "XLSX_MAX_UNPACKED_BYTES",
            "XLSX_MAX_SHARED_STRINGS_BYTES",
        )
    }


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def run_one(folder: Path, *, kind: str = "sales") -> dict:
    """In a child process: import one file as a worker would, and report the peak memory."""
    path = folder / (FILE_NAME if kind == "sales" else CSV_NAME)
    admin = User.objects.get(role=Role.ADMIN)
    actor = actor_for(admin, channel="import")
    before = _rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as upload:  # as the worker reads it (crm.import_jobs)
        report = import_apply(actor=actor, kind=kind, data=upload, filename=path.name)
    seconds = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"the worst file should import: {report.as_dict(max_errors=5)['errors']}")
    return {
        "rows": report.created,
        "seconds": round(seconds, 1),
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
    }
