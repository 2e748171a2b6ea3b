"""Files people upload to keep (task attachments; complaint tickets later): the checks every such
upload passes, and where the file is kept.

A file is accepted only if
1. its name ends in an extension of the allowed kinds (an allow-list: `.exe`, `.bat`, `.js`,
   `.sh`… are refused with their own message);
2. it is not empty and not larger than the caller's limit;
3. its content is not a program (Windows MZ, ELF, Mach-O, a script's `#!`), whatever its name says;
4. its content agrees with its extension: the signature of that kind at the start of the file
   (a `.pdf` must start with `%PDF-`), for Office Open XML and OpenDocument files the parts that
   make one (a `.docx` is a zip holding `word/document.xml`), for a `.zip` no program inside, and
   for text (`.txt`, `.csv`) no NUL byte and valid UTF-8 or GB18030 (what Chinese Excel writes).

Why signatures written out here rather than a detection library: the check is "is this the kind
its name claims", not "guess what this is". The pure-Python libraries look at the first bytes
only (to them a `.docx` and any zip are the same), and the current puremagic needs Python 3.12
while we support 3.11. The table below is small, strict, and tested file by file.

Files are kept under DATA_DIR (never a static or media URL) by a random name; the name people
gave is kept for display and for the download's Content-Disposition only.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pacekeeper.errors import ValidationFailed

from .text import clean_text

HEAD_BYTES = 8192  # read for the signatures
CHUNK = 64 * 1024

# Programs and scripts, by extension: refused with their own message (and inside a zip).
EXECUTABLE_EXTENSIONS = frozenset(
    "exe com bat cmd msi msp mst scr pif cpl dll sys drv ocx js jse mjs cjs vbs vbe wsf wsc wsh hta "
    "ps1 psm1 psd1 sh bash zsh csh ksh fish command app apk ipa jar class py pyc pyw pl rb php lnk "
    "reg inf scf url elf run deb rpm dmg pkg iso img vhd so dylib docm dotm xlsm xltm xlam "
    "pptm potm ppam sldm chm hlp xll msix msixbundle appx appxbundle appref-ms gadget msc ws cab".split()
)

# Content that is a program whatever the name says: Windows/DOS (MZ), ELF, Mach-O (both byte
# orders, 32 and 64 bits, and the universal binary, whose CAFEBABE Java classes share), scripts.
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
UTF8_BOM = b"\xef\xbb\xbf"
# Archives inside an archive hide what they hold: refused by name and by content.
ARCHIVE_EXTENSIONS = frozenset("zip 7z rar cab tar gz tgz bz2 xz lz lzh lha arj ace zst z".split())
ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"MSCF", b"\x1f\x8b")
# Office files that are zips, looked through when embedded in another (at most this size unpacked).
OFFICE_ZIP_EXTENSIONS = frozenset("docx xlsx pptx odt ods odp".split())
MAX_NESTED_BYTES = 20 * 1024 * 1024
# A zip with more members than this is not looked through member by member: refused.
MAX_ZIP_MEMBERS = 5000
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office (and WPS) compound file


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    content_type: str
    # Whether the content agrees: given the open file (at 0) and its first HEAD_BYTES bytes.
    agrees: Callable[[BinaryIO, bytes], bool]


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # for display only: no folders, no control characters
    extension: str
    content_type: str
    size: int


def _starts(*signatures: bytes) -> Callable[[BinaryIO, bytes], bool]:
    return lambda _file, head: head.startswith(signatures)


def _webp(_file: BinaryIO, head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_names(file: BinaryIO) -> list[str] | None:
    """The member names of a zip, or None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    finally:
        file.seek(0)


def _zip_holding(*parts: str) -> Callable[[BinaryIO, bytes], bool]:
    """A zip that holds all these parts (an Office Open XML or OpenDocument file)."""

    def agrees(file: BinaryIO, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(file)
        return names is not None and set(parts) <= set(names)

    return agrees


def _opendocument(mimetype: str) -> Callable[[BinaryIO, bytes], bool]:
    """OpenDocument stores its type uncompressed as the first member, named `mimetype`."""
    marker = b"mimetype" + mimetype.encode()

    def agrees(file: BinaryIO, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") and marker in head[:200] and _zip_names(file) is not None

    return agrees


def _plain_zip(file: BinaryIO, head: bytes) -> bool:
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    return _zip_names(file) is not None


def _text(file: BinaryIO, head: bytes) -> bool:
    """Text: no NUL byte, and valid UTF-8 (with or without BOM) or GB18030 throughout."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            while chunk := file.read(CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            continue
        finally:
            file.seek(0)
    return False


OOXML = "[Content_Types].xml"
DOCUMENT_KINDS: tuple[FileKind, ...] = (
    FileKind(("pdf",), "application/pdf", _starts(b"%PDF-")),
    FileKind(("png",), "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    FileKind(("jpg", "jpeg"), "image/jpeg", _starts(b"\xff\xd8\xff")),
    FileKind(("gif",), "image/gif", _starts(b"GIF87a", b"GIF89a")),
    FileKind(("webp",), "image/webp", _webp),
    FileKind(("doc", "wps"), "application/msword", _starts(OLE2)),
    FileKind(("xls", "et"), "application/vnd.ms-excel", _starts(OLE2)),
    FileKind(("ppt", "dps"), "application/vnd.ms-powerpoint", _starts(OLE2)),
    FileKind(
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_holding(OOXML, "word/document.xml"),
    ),
    FileKind(
        ("xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_holding(OOXML, "xl/workbook.xml"),
    ),
    FileKind(
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _zip_holding(OOXML, "ppt/presentation.xml"),
    ),
    FileKind(
        ("odt",), "application/vnd.oasis.opendocument.text", _opendocument("application/vnd.oasis.opendocument.text")
    ),
    FileKind(
        ("ods",),
        "application/vnd.oasis.opendocument.spreadsheet",
        _opendocument("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    FileKind(
        ("odp",),
        "application/vnd.oasis.opendocument.presentation",
        _opendocument("application/vnd.oasis.opendocument.presentation"),
    ),
    FileKind(("csv",), "text/csv", _text),
    FileKind(("txt",), "text/plain", _text),
    FileKind(("zip",), "application/zip", _plain_zip),
)


def allowed_extensions(kinds: tuple[FileKind, ...] = DOCUMENT_KINDS) -> list[str]:
    return [extension for kind in kinds for extension in kind.extensions]


def display_name(name: str) -> str:
    """The name as people gave it, safe to show and to send back: no folders (either slash), no
    control characters, at most 200 characters (the extension kept)."""
    name = clean_text(name or "").replace("\r", "").replace("\n", "").replace("\t", " ")
    name = re.split(r"[\\/]", name)[-1].strip().lstrip(".")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 199 - len(extension)] + dot + extension) if dot and len(extension) <= 10 else name[:200]
    return name or "file"


def extension_of(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return extension.lower().strip() if dot else ""


def check_upload(
    file, *, max_bytes: int, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS, field: str = "file"
) -> CheckedUpload:
    """Check an uploaded file (Django's UploadedFile: `.name`, `.size`, seekable) or raise
    ValidationFailed on `field`. Reads the file; leaves it at its start."""
    name = display_name(getattr(file, "name", "") or "")
    extension = extension_of(name)
    if extension in EXECUTABLE_EXTENSIONS:
        raise ValidationFailed({field: [_("Programs and scripts cannot be attached.")]})
    kind = next((kind for kind in kinds if extension in kind.extensions), None)
    if kind is None:
        types = ", ".join(f".{extension}" for extension in allowed_extensions(kinds))
        raise ValidationFailed(
            {field: [_("Files of this type cannot be attached. Allowed: %(types)s.") % {"types": types}]}
        )
    size = int(file.size or 0)
    if size <= 0:
        raise ValidationFailed({field: [_("The file is empty.")]})
    if size > max_bytes:
        limit = filesizeformat(max_bytes)
        raise ValidationFailed({field: [_("The file is larger than the limit of %(size)s.") % {"size": limit}]})
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if head.removeprefix(UTF8_BOM).startswith(EXECUTABLE_SIGNATURES) or _zip_holds_program(file, head):
        raise ValidationFailed({field: [_("Programs and scripts cannot be attached.")]})
    if not kind.agrees(file, head):
        file.seek(0)
        message = _("The content of this file is not a .%(extension)s file: check that it is the file you meant.")
        raise ValidationFailed({field: [message % {"extension": extension}]})
    file.seek(0)
    return CheckedUpload(name=name, extension=extension, content_type=kind.content_type, size=size)


def _zip_holds_program(file: BinaryIO, head: bytes, *, depth: int = 0) -> bool:
    """A zip (an Office file too) with a program inside: by a member's name (trailing dots and
    spaces dropped, as Windows drops them), by its first bytes, or an archive inside the archive
    (whose own content is not looked into). Any zip counts, wherever its directory starts: a
    zip with bytes put in front of it still opens."""
    try:
        if not zipfile.is_zipfile(file):
            return False
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return True  # not looked through: refused rather than trusted
            return any(_member_is_program(archive, member, depth) for member in members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return False  # unreadable: the content check that follows refuses it for its kind
    finally:
        file.seek(0)


def _member_is_program(archive: zipfile.ZipFile, member: zipfile.ZipInfo, depth: int) -> bool:
    name = member.filename.rstrip("/").rstrip(". ")
    extension = extension_of(name)
    if extension in EXECUTABLE_EXTENSIONS or extension in ARCHIVE_EXTENSIONS:
        return True
    if member.is_dir() or member.file_size == 0:
        return False
    with archive.open(member) as content:
        start = content.read(8)
    if start.removeprefix(UTF8_BOM).startswith(EXECUTABLE_SIGNATURES):
        return True
    if not start.startswith(ARCHIVE_SIGNATURES):
        return False
    # An Office file embedded in another (a spreadsheet in a report) is a zip too: looked
    # through once more; any other archive inside, or a deeper one, is refused.
    if extension not in OFFICE_ZIP_EXTENSIONS or depth >= 1 or member.file_size > MAX_NESTED_BYTES:
        return True
    with archive.open(member) as content:
        return _zip_holds_program(io.BytesIO(content.read()), b"", depth=depth + 1)


# --- keeping the files ------------------------------------------------------------------------

STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


def store(file, folder: Path) -> str:
    """Write the upload into `folder` under a new random name (returned). Written to a temporary
    name first, so a half-written file is never taken for a whole one."""
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = secrets.token_hex(16)
    partial = folder / f"{stored_as}.part"
    file.seek(0)
    try:
        with open(partial, "wb") as out:
            for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(CHUNK), b""):
                out.write(chunk)
        os.replace(partial, folder / stored_as)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored_as


def keep(file, folder: Path, *, max_bytes: int, record: Callable[[CheckedUpload, str], object]):
    """Check an upload, store it, and record it with `record(checked, stored_as)` (which makes
    the row and returns it). A refused file is never written; a file whose row could not be
    made is removed again."""
    checked = check_upload(file, max_bytes=max_bytes)
    stored_as = store(file, folder)
    try:
        return record(checked, stored_as)
    except BaseException:
        stored_path(folder, stored_as).unlink(missing_ok=True)
        raise


def remove_on_commit(path: Path, *, using: str | None = None) -> None:
    """Remove a stored file once the transaction deleting its row commits: a rollback keeps the
    row and its file together, a commit leaves no file without a row."""
    transaction.on_commit(lambda: path.unlink(missing_ok=True), using=using)


def stored_path(folder: Path, stored_as: str) -> Path:
    """Where a stored file is; only names that `store` makes (no way out of the folder)."""
    if not STORED_NAME.match(stored_as or ""):
        raise ValueError(f"not a stored file name: {stored_as!r}")
    return folder / stored_as
