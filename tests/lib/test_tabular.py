"""Hostile and broken spreadsheets: refused with a clear message, quickly, without unpacking."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pacekeeper.crm.imports import import_check
from pacekeeper.errors import ValidationFailed
from pacekeeper.lib.tabular import read_rows, write_csv


def real_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["客户名称", "统一社会信用代码"])
    book.active.append(["上海华信", "91310000AAAA"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one member replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook whose sheet unpacks from ~100 KB to 100 MB of zeros."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(real_xlsx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w") as sheet:
                    chunk = b"\0" * (1024 * 1024)
                    for _ in range(100):
                        sheet.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def refusal(data: bytes, filename: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        list(read_rows(data, filename))
    return caught.value.text


def test_a_real_workbook_reads():
    assert list(read_rows(real_xlsx(), "客户.xlsx")) == [["客户名称", "统一社会信用代码"], ["上海华信", "91310000AAAA"]]


def test_a_zip_bomb_is_refused_from_the_directory_without_unpacking():
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    message = refusal(bomb, "bomb.xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "unpacks to far more data" in message
    assert peak < 10 * 1024 * 1024  # nowhere near the 100 MB it would unpack to


def test_a_workbook_larger_than_the_unpacked_limit_is_refused(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1000
    assert "holds more data than an import takes (at most 1000" in refusal(real_xlsx(), "big.xlsx")


def test_an_xml_entity_bomb_is_refused():
    bomb = with_member(real_xlsx(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    assert "XML entities" in refusal(bomb, "laughs.xlsx")


def test_name_and_content_must_agree():
    assert "do not agree" in refusal(real_xlsx(), "customers.csv")
    assert "do not agree" in refusal("名称\n上海华信\n".encode(), "customers.xlsx")


def test_a_truncated_workbook_is_refused_clearly():
    assert "cannot be read" in refusal(real_xlsx()[:2000], "cut.xlsx")


# --- fuzzing: whatever the bytes, the parsers answer with a typed validation error or rows ---

FUZZ_SETTINGS = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ_SETTINGS
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["f.csv", "f.xlsx", "", "f.txt"]))
def test_fuzzed_bytes_only_ever_raise_validation_errors(data, filename):
    try:
        for _row in read_rows(data, filename):
            pass
    except ValidationFailed:
        pass


@FUZZ_SETTINGS
@given(cut=st.integers(min_value=0, max_value=8000), flip=st.integers(min_value=0, max_value=8000))
def test_damaged_workbooks_only_ever_raise_validation_errors(cut, flip):
    data = bytearray(real_xlsx())
    if flip < len(data):
        data[flip] ^= 0xFF
    try:
        for _row in read_rows(bytes(data[: max(cut, 4)]), "f.xlsx"):
            pass
    except ValidationFailed:
        pass


@pytest.mark.django_db
# import_check writes nothing, so one world serves every example.
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(alphabet=st.characters(exclude_categories=["Cs"], include_characters=",;\t\n\"'="), max_size=600),
    kind=st.sampled_from(["customers", "contacts", "sales", "interactions"]),
)
def test_fuzzed_csv_imports_report_row_errors_and_never_crash(world, text, kind):
    header = {"customers": "客户名称,统一社会信用代码,客户经理\n", "contacts": "客户编号,姓名,手机\n"}
    data = (header.get(kind, "") + text).encode()
    try:
        report = import_check(actor=world.one.actor("lead"), kind=kind, data=data, filename="f.csv")
    except ValidationFailed:
        return
    assert report.total == report.good_rows + report.bad_rows


def test_a_long_csv_streams_in_pieces_that_join_to_the_whole_file():
    rows = [[f"客户{n}", str(n), "=1+1"] for n in range(20_000)]
    pieces = list(write_csv(["name", "n", "note"], rows))
    assert 3 < len(pieces) < 100  # neither one write per row nor one huge block
    lines = b"".join(pieces).decode("utf-8-sig").splitlines()
    assert lines[0] == "name,n,note" and len(lines) == 20_001
    assert lines[1] == "客户0,0,'=1+1" and lines[-1] == "客户19999,19999,'=1+1"


def test_a_file_over_the_row_limit_is_refused_with_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 3
    csv_text = "客户名称\n" + "".join(f"客户{n}\n" for n in range(4))
    assert "more than 3 rows" in refusal(csv_text.encode(), "c.csv")
    assert len(list(read_rows("客户名称\n甲\n乙\n丙\n".encode(), "c.csv"))) == 4  # three rows and the header


def test_a_file_over_the_cell_limit_is_refused_with_the_limit(settings):
    settings.IMPORT_MAX_CELLS = 1000
    wide = ",".join(f"c{n}" for n in range(600))
    message = refusal(f"{wide}\n{wide}\n".encode(), "wide.csv")
    assert "more than 1,000 cells" in message


def test_a_sheet_declaring_thousands_of_columns_is_read_to_the_hundredth(settings):
    book = openpyxl.Workbook()
    book.active.append(["客户名称", "统一社会信用代码"])
    book.active.cell(row=1, column=16384, value="far away")
    out = io.BytesIO()
    book.save(out)
    rows = list(read_rows(out.getvalue(), "wide.xlsx"))
    assert rows == [["客户名称", "统一社会信用代码"]]  # nothing past the 100th column is read


def test_a_workbook_with_a_huge_shared_strings_table_is_refused(settings):
    settings.XLSX_MAX_SHARED_STRINGS_BYTES = 100
    out = io.BytesIO(real_xlsx())
    with zipfile.ZipFile(out, "a") as book:
        book.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 10 + b"</sst>")
    strings = out.getvalue()
    assert "holds more data than an import takes" in refusal(strings, "strings.xlsx")
