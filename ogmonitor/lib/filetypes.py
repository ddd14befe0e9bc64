"""What a file really is, told by its content (magic bytes, then its structure), never by its name.

Uploads are checked with :func:`sniff` before anything reads them, and stored files are served
with the content type it finds (``ogmonitor.portal.media``): a name can be anything, and a page
named ``photo.jpg`` that a browser sniffed as HTML would run its scripts on this site's origin.

Besides a type, :func:`sniff` may report a *refusal*: content that must never be read or served
as-is, whatever its name — HTML and SVG (script), macros, password protection (unreadable anyway),
zip bombs (a small file that unpacks to gigabytes), broken archives. It never raises for bad
content: the caller decides what a refusal means (an upload error, a download as plain bytes).

Pure functions of a seekable binary file; the position is put back at 0 afterwards.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass, field

from .tabular import _detect_encoding  # the encodings every CSV reader in ogmonitor accepts

# Types, as short stable names.
PNG, JPEG, GIF, WEBP = "png", "jpeg", "gif", "webp"
PDF, RTF, TEXT = "pdf", "rtf", "text"
XLSX, DOCX, PPTX, ODT, ODS, ODP = "xlsx", "docx", "pptx", "odt", "ods", "odp"
OLE = "ole"  # Office 97–2003 (.doc, .xls, .ppt): one compound-file container for all three
ZIP = "zip"  # any other zip archive
MARKUP = "markup"  # HTML, XHTML or SVG: a browser runs the scripts they hold

IMAGES = frozenset({PNG, JPEG, GIF, WEBP})

#: What a sniffed type is served as. Markup is never served as markup.
CONTENT_TYPES = {
    PNG: "image/png",
    JPEG: "image/jpeg",
    GIF: "image/gif",
    WEBP: "image/webp",
    PDF: "application/pdf",
    RTF: "application/rtf",
    TEXT: "text/plain",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ODT: "application/vnd.oasis.opendocument.text",
    ODS: "application/vnd.oasis.opendocument.spreadsheet",
    ODP: "application/vnd.oasis.opendocument.presentation",
}
#: Python's names of the encodings text is read in → the charset names browsers know.
_CHARSETS = {
    "utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-16-le": "utf-16le", "utf-16-be": "utf-16be",
}

# Refusals.
DAMAGED = "damaged"
ENCRYPTED = "encrypted"
MACROS = "macros"
ZIP_BOMB = "zip_bomb"

#: A zip member unpacking to more than this many times its packed size is a bomb. Real
#: workbooks and documents stay far below (XML packs 5–50×); deflate cannot exceed ~1032×.
MAX_RATIO = 200
#: ...but only members this large are judged by ratio: a few KB of repeated XML tags may
#: legitimately pack 300×.
RATIO_FROM_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
SAMPLE_BYTES = 65536

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
    (b"{\\rtf", RTF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
#: Markup a browser would render, at the start of a text (after comments and an XML prolog).
_MARKUP_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+(?:html|svg)|html|svg|script|head|body|iframe)\b",
    re.IGNORECASE | re.DOTALL,
)
#: Stream names (UTF-16LE, as compound files store them) of a password-protected OOXML file
#: and of a VBA project.
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_OLE_MACROS = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))
#: Zip members that mark an OOXML package as one type or another.
_OOXML_PARTS = [("xl/workbook.xml", XLSX), ("word/document.xml", DOCX), ("ppt/presentation.xml", PPTX)]
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}


@dataclass(frozen=True)
class Sniffed:
    """A file's type (None when not recognised) and, if it must not be used, why (``refusal``)."""

    type: str | None
    refusal: str | None = None
    details: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        """The type to serve it as; anything refused or unknown is plain bytes."""
        if self.refusal or self.type is None:
            return "application/octet-stream"
        if self.type == TEXT:
            charset = _CHARSETS.get(self.details["encoding"])
            return f"text/plain; charset={charset}" if charset else "text/plain"
        return CONTENT_TYPES.get(self.type, "application/octet-stream")


def sniff(fileobj, *, thorough: bool = False) -> Sniffed:
    """The type of ``fileobj``'s content. ``thorough`` also unpacks every zip member to check
    its checksum (for uploads, which are read next: a corrupt member must be refused now, not
    fail half-way through an import)."""
    try:
        fileobj.seek(0)
        head = fileobj.read(SAMPLE_BYTES)
        if head.startswith(_ZIP_MAGIC):
            return _sniff_zip(fileobj, thorough)
        for signature, kind in _SIGNATURES:
            if head.startswith(signature):
                return _sniff_ole(fileobj) if kind == OLE else Sniffed(kind)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return Sniffed(WEBP)
        return _sniff_text(head)
    finally:
        fileobj.seek(0)


def _sniff_text(head: bytes) -> Sniffed:
    """Text, markup, or None for binary content. Text that does not decode as UTF-8 is still text
    (``encoding`` None: Windows-1251 or 1254 saved by an old Excel): the CSV readers report the
    byte on its row, which is more help than refusing the whole file here."""
    if not head:
        return Sniffed(None)
    encoding = _detect_encoding(head)
    # A sample may cut a character in two: the decoder keeps those bytes for later.
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        if not encoding.startswith("utf-8") or _looks_binary(head):
            return Sniffed(None)
        text, encoding = head.decode("latin-1"), None
    if _MARKUP_RE.match(text.lstrip("\ufeff")[:4096]):
        return Sniffed(MARKUP, refusal=MARKUP)
    if _controls(text) * 100 > len(text):
        return Sniffed(None)
    # A stray NUL or two is still text: the upload check refuses it naming its line.
    return Sniffed(TEXT, details={"encoding": encoding})


#: Control characters no text file holds (tab, line ends, form feed and escape aside).
_CONTROLS = frozenset(chr(code) for code in (*range(0, 9), *range(14, 27), *range(28, 32)))


def _controls(text: str) -> int:
    return sum(text.count(control) for control in _CONTROLS)


def _looks_binary(head: bytes) -> bool:
    """NUL bytes, or more than 1 % control characters: not text in a legacy 8-bit encoding."""
    return b"\x00" in head or _controls(head.decode("latin-1")) * 100 > len(head)


def _sniff_ole(fileobj) -> Sniffed:
    """An Office 97–2003 file. Its directory is not parsed: the stream names a password or a VBA
    project leaves are searched for instead, which at worst refuses a document whose text
    happens to contain them in UTF-16."""
    fileobj.seek(0)
    previous = b""
    while chunk := fileobj.read(SAMPLE_BYTES * 16):
        window = previous + chunk
        if _OLE_ENCRYPTED in window:
            return Sniffed(OLE, refusal=ENCRYPTED)
        if any(name in window for name in _OLE_MACROS):
            return Sniffed(OLE, refusal=MACROS)
        previous = chunk[-64:]
    return Sniffed(OLE)


def _sniff_zip(fileobj, thorough: bool) -> Sniffed:
    """A zip archive: which package it is, refused if it is broken, encrypted, holds macros or
    would unpack to far more than its size says (judged from the sizes the archive declares,
    which :mod:`zipfile` then holds it to while reading)."""
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return Sniffed(ZIP, refusal=DAMAGED)
    with archive:
        names = {member.filename for member in members}
        kind = _package_type(archive, names)
        if len(members) > MAX_MEMBERS:
            return Sniffed(kind, refusal=ZIP_BOMB, details={"unpacked": sum(m.file_size for m in members)})
        unpacked = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members)
        greedy = any(
            member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1)
            for member in members
        )
        if greedy or unpacked > MAX_RATIO * max(packed, 1) + RATIO_FROM_BYTES:
            return Sniffed(kind, refusal=ZIP_BOMB, details={"unpacked": unpacked})
        if any(member.flag_bits & 0x1 for member in members):
            return Sniffed(kind, refusal=ENCRYPTED)
        if kind in {XLSX, DOCX, PPTX} and _has_macros(archive, names):
            return Sniffed(kind, refusal=MACROS)
        if thorough:
            try:
                if archive.testzip() is not None:  # the first member whose checksum is wrong
                    return Sniffed(kind, refusal=DAMAGED)
            except Exception:  # BadZipFile, zlib.error, EOFError, NotImplementedError (method)…
                return Sniffed(kind, refusal=DAMAGED)
        return Sniffed(kind)


def _package_type(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        for part, kind in _OOXML_PARTS:
            if part in names:
                return kind
    if "mimetype" in names:
        try:
            with archive.open("mimetype") as member:
                mimetype = member.read(100).strip()
        except Exception:  # a corrupt member: the package is then judged a plain zip
            return ZIP
        return _ODF_MIMETYPES.get(mimetype, ZIP)
    return ZIP


def _has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """A VBA project inside, or a macro-enabled content type (.xlsm, .docm, .pptm renamed)."""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    try:
        with archive.open("[Content_Types].xml") as member:
            types = member.read(RATIO_FROM_BYTES)
    except Exception:  # unreadable: left to the thorough check and the reader
        return False
    return b"macroEnabled" in types
