"""lib/uploads.py: a file is kept only if its extension is allowed, its size within the limit,
its content no program and of the kind its extension names. Each case is a file made by hand."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacekeeper.errors import ValidationFailed
from pacekeeper.lib import uploads
from pacekeeper.lib.formatting import format_file_size

LIMIT = 10 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 56


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def _check(name: str, content: bytes, *, limit: int = LIMIT):
    return uploads.check_upload(SimpleUploadedFile(name, content), max_bytes=limit)


def _refusal(name: str, content: bytes, *, limit: int = LIMIT) -> str:
    with pytest.raises(ValidationFailed) as refused:
        _check(name, content, limit=limit)
    assert list(refused.value.errors) == ["file"]
    return " ".join(refused.value.errors["file"])


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("报价单.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("visit.jpeg", JPEG, "image/jpeg"),
        ("minutes.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("old.doc", OLE2, "application/msword"),
        ("old.xls", OLE2, "application/vnd.ms-excel"),
        ("list.csv", "名称,金额\n甲,1\n".encode(), "text/csv"),
        ("list-gbk.csv", "名称,金额\n甲,1\n".encode("gb18030"), "text/csv"),
        ("notes.txt", b"\xef\xbb\xbfplain words\n", "text/plain"),
        ("bundle.zip", _zip({"a.pdf": PDF, "b.txt": b"hi"}), "application/zip"),
        # A spreadsheet embedded in a report is a zip in a zip, and looked through.
        (
            "report.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "word/embeddings/s.xlsx": XLSX}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_it_accepts_files_whose_content_agrees_with_their_extension(name, content, content_type):
    checked = _check(name, content)
    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


@pytest.mark.parametrize("name", ["setup.exe", "run.bat", "tool.js", "install.sh", "report.pdf.exe", "macro.xlsm"])
def test_it_refuses_programs_and_scripts_by_extension(name):
    assert "Programs and scripts" in _refusal(name, PDF)


@pytest.mark.parametrize(
    "name,content",
    [
        ("contract.docx", EXE),  # a .docx that is a Windows program
        ("photo.png", ELF),
        ("paper.pdf", MACHO),
        ("notes.txt", b"#!/bin/sh\nrm -rf ~\n"),
        ("notes.txt", b"\xef\xbb\xbf#!/usr/bin/env python\n"),
        ("bundle.zip", _zip({"readme.txt": b"hi", "bin/setup.exe": EXE})),
        # What a probe slipped past an earlier check: bytes in front of the zip (it still opens),
        # a trailing dot Windows drops, an archive in the archive, a program under a harmless
        # name, a help file, a program in an Office file.
        ("bundle.zip", b"PK\x05\x06" + b"\x00" * 18 + _zip({"evil.exe": EXE})),
        ("bundle.zip", _zip({"evil.exe.": EXE})),
        ("bundle.zip", _zip({"inner.zip": _zip({"evil.exe": EXE})})),
        ("bundle.zip", _zip({"inner.7z": b"7z\xbc\xaf\x27\x1c"})),
        ("bundle.zip", _zip({"notes.txt": EXE})),
        ("bundle.zip", _zip({"help.chm": b"ITSF"})),
        ("minutes.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "x.exe.": EXE})),
        (
            "minutes.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", "e.xlsx": _zip({"a.exe": EXE})}),
        ),
    ],
)
def test_it_refuses_programs_whatever_their_name_says(name, content):
    assert "Programs and scripts" in _refusal(name, content)


@pytest.mark.parametrize(
    "name,content",
    [
        ("scan.pdf", PNG),  # a .pdf that is a PNG
        ("photo.jpg", PNG),
        ("minutes.docx", _zip({"readme.txt": b"not a document"})),  # a zip, not a Word file
        ("figures.xlsx", DOCX),  # a Word file named as a workbook
        ("old.doc", DOCX),
        ("list.csv", b"a,b\x00c\n"),  # a NUL: binary, not text
        ("list.csv", b"\xff\xfe\xfd\x80\x81\xff"),  # neither UTF-8 nor GB18030
        ("bundle.zip", b"PK\x03\x04 broken"),
    ],
)
def test_it_refuses_content_that_is_not_what_the_extension_says(name, content):
    message = _refusal(name, content)
    assert "is not a ." in message and name.rsplit(".", 1)[1] in message


def test_it_refuses_unknown_types_and_says_which_are_allowed():
    message = _refusal("page.html", b"<html></html>")
    assert ".pdf" in message and ".docx" in message and ".html" not in message
    assert "cannot be attached" in _refusal("no-extension", PDF)


def test_it_refuses_empty_and_oversized_files():
    assert "empty" in _refusal("a.pdf", b"")
    assert "larger than the limit of 1.0\xa0KB" in _refusal("a.pdf", PDF + b"0" * 1024, limit=1024)
    assert _check("a.pdf", PDF + b"0" * (1024 - len(PDF)), limit=1024).size == 1024  # at the limit: kept


def test_the_display_name_keeps_no_folder_and_no_control_character():
    assert uploads.display_name("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert uploads.display_name("/etc/passwd") == "passwd"
    assert uploads.display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert uploads.display_name("../..") == "file"
    long = "长" * 300 + ".xlsx"
    assert len(uploads.display_name(long)) == 200 and uploads.display_name(long).endswith(".xlsx")


def test_it_stores_under_a_random_name_and_finds_only_such_names(tmp_path):
    stored_as = uploads.store(SimpleUploadedFile("a.pdf", PDF), tmp_path)
    assert (tmp_path / stored_as).read_bytes() == PDF
    assert [path.name for path in tmp_path.iterdir()] == [stored_as]
    assert uploads.stored_path(tmp_path, stored_as) == tmp_path / stored_as
    with pytest.raises(ValueError):
        uploads.stored_path(tmp_path, "../pacekeeper.sqlite3")


def test_file_sizes_read_the_same_in_both_languages():
    assert format_file_size(812) == "812 B"
    assert format_file_size(46_387) == "45.3 KB"  # 46387 / 1024 = 45.30
    assert format_file_size(10 * 1024 * 1024) == "10.0 MB"
    assert format_file_size(1024 * 1024 - 1) == "1.0 MB"  # 1023.999 KB rounds to 1024.0: said in MB
