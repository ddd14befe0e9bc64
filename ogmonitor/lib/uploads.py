"""The checks every upload goes through, in one place: size, extension, then the content itself.

Each upload form calls :func:`check_upload` with the kind of file it takes (:data:`TABLE` for
response and plan imports, :data:`XLSFORM`, :data:`DOCUMENT` and :data:`IMAGE` for the files
of events and platforms). The extension must be one the kind accepts, and the content — sniffed
by :mod:`ogmonitor.lib.filetypes`, never trusted from the name — must be what the extension
says. Web pages and SVG drawings (script), macros, password-protected files, zip bombs and
broken archives are refused whatever their name; text must hold no NUL; images must decode.
Every refusal is a ValidationError naming the file and saying what to do, so nothing unreadable
is stored, and no reader meets a file it would choke on. (Bytes of a CSV that do not decode are
left to the readers of :mod:`ogmonitor.lib.tabular`, which name the row they are on.)
"""

import codecs
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import filetypes as ft

#: Extensions that always mean markup a browser runs; named so the refusal can say why.
_MARKUP_EXTENSIONS = {"html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "js", "mht", "mhtml"}
_TEXT_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class UploadKind:
    """What an upload field accepts: extension → the content types allowed under it."""

    extensions: dict[str, frozenset[str]]
    too_large: str

    @property
    def accept(self) -> str:
        """For the file input's ``accept`` attribute."""
        return ",".join(f".{extension}" for extension in self.extensions)


_IMAGE_EXTENSIONS = {extension: ft.IMAGES for extension in ("jpg", "jpeg", "png", "gif", "webp")}
_TOO_LARGE = _("“%(file)s” is %(size)s but at most %(limit)s can be uploaded.")

#: Response files and plan files: CSV (or tab-separated text) and Excel workbooks.
TABLE = UploadKind(
    {"csv": frozenset({ft.TEXT}), "tsv": frozenset({ft.TEXT}), "txt": frozenset({ft.TEXT}),
     "xlsx": frozenset({ft.XLSX})},
    _("“%(file)s” is %(size)s but at most %(limit)s can be imported. Split it into several files: "
      "importing them one after another adds up."),
)
#: Questionnaires: XLSForm workbooks.
XLSFORM = UploadKind({"xlsx": frozenset({ft.XLSX})}, _TOO_LARGE)
#: Photos, shown inline on the site.
IMAGE = UploadKind(_IMAGE_EXTENSIONS, _TOO_LARGE)
#: Documents of events and platforms: office files, PDF, plain text and photos.
DOCUMENT = UploadKind(
    {
        "pdf": frozenset({ft.PDF}), "docx": frozenset({ft.DOCX}), "odt": frozenset({ft.ODT}),
        "xlsx": frozenset({ft.XLSX}), "ods": frozenset({ft.ODS}), "pptx": frozenset({ft.PPTX}),
        "odp": frozenset({ft.ODP}), "doc": frozenset({ft.OLE}), "ppt": frozenset({ft.OLE}),
        "rtf": frozenset({ft.RTF}), "txt": frozenset({ft.TEXT}), **_IMAGE_EXTENSIONS,
    },
    _TOO_LARGE,
)

#: How a sniffed type is named in a message.
FORMAT_NAMES = {
    ft.PNG: "PNG", ft.JPEG: "JPEG", ft.GIF: "GIF", ft.WEBP: "WebP", ft.PDF: "PDF", ft.RTF: "RTF", ft.ZIP: "ZIP",
    ft.XLSX: "Excel (.xlsx)", ft.DOCX: "Word (.docx)", ft.PPTX: "PowerPoint (.pptx)",
    ft.TEXT: _("text (CSV, TXT)"), ft.ODT: _("OpenDocument text (.odt)"),
    ft.ODS: _("OpenDocument spreadsheet (.ods)"), ft.ODP: _("OpenDocument presentation (.odp)"),
    ft.OLE: _("Office 97–2003 (.doc, .xls, .ppt)"),
}

_REFUSALS = {
    ft.MARKUP: _("“%(file)s” is a web page or an SVG drawing, which could run scripts in visitors’ browsers, "
                 "so it is not accepted. Save it as PDF and upload that."),
    ft.MACROS: _("“%(file)s” contains macros, which are not accepted. Save it without macros (as .xlsx or .docx) "
                 "and upload it again."),
    ft.ENCRYPTED: _("“%(file)s” is protected by a password, so it cannot be read. Remove the password, save it and "
                    "upload it again."),
    ft.DAMAGED: _("“%(file)s” is damaged: it cannot be unpacked. Open it in the program that made it, save it again "
                  "and upload the new file."),
    ft.ZIP_BOMB: _("“%(file)s” would unpack to %(size)s, far more than a real file of its size: it cannot be read "
                   "safely."),
}


def upload_help_text(extra: str = "") -> str:
    """The accepted spreadsheet formats and size limit, as one sentence for a file field."""
    text = _("CSV (UTF-8 or UTF-16, separated by commas, semicolons or tabs) or Excel .xlsx, up to %(limit)s.") % {
        "limit": filesizeformat(settings.OGMONITOR_MAX_UPLOAD_BYTES)
    }
    return f"{text} {extra}".strip()


def file_name(upload) -> str:
    """The name the user gave the file, without any folder a browser may have sent with it."""
    return (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]


def check_upload_size(upload, kind: UploadKind = TABLE):
    """Refuse a file above ``OGMONITOR_MAX_UPLOAD_BYTES`` with a message naming both sizes."""
    limit = settings.OGMONITOR_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            kind.too_large, code="too_large",
            params={"file": file_name(upload), "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    return upload


def check_upload(upload, kind: UploadKind):
    """Return ``upload`` if it is a file of ``kind`` in every respect, else raise ValidationError.

    The file is left at position 0 for whatever reads it next.
    """
    name = file_name(upload)
    check_upload_size(upload, kind)
    if not upload.size:
        raise forms.ValidationError(_("“%(file)s” is empty."), code="empty", params={"file": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in _MARKUP_EXTENSIONS:
        raise _refused(ft.MARKUP, name)
    if extension not in kind.extensions:
        raise forms.ValidationError(
            _("“%(file)s” cannot be uploaded here: only these file types are accepted: %(extensions)s."),
            code="extension",
            params={"file": name, "extensions": ", ".join(f".{extension}" for extension in kind.extensions)},
        )
    sniffed = ft.sniff(upload, thorough=True)
    if sniffed.refusal:
        raise _refused(sniffed.refusal, name, sniffed)
    if sniffed.type not in kind.extensions[extension]:
        raise _mismatch(name, extension, sniffed)
    if sniffed.type == ft.TEXT:
        _check_text(upload, name, sniffed.details["encoding"])
    elif sniffed.type in ft.IMAGES:
        _check_image(upload, name)
    upload.seek(0)
    return upload


def _refused(refusal: str, name: str, sniffed: ft.Sniffed | None = None) -> forms.ValidationError:
    unpacked = sniffed.details.get("unpacked", 0) if sniffed else 0
    return forms.ValidationError(
        _REFUSALS[refusal], code=refusal, params={"file": name, "size": filesizeformat(unpacked)},
    )


def _mismatch(name: str, extension: str, sniffed: ft.Sniffed) -> forms.ValidationError:
    if sniffed.type is None:
        return forms.ValidationError(
            _("“%(file)s” is not a real .%(extension)s file: its content is in no format accepted here. The file "
              "may be damaged or renamed: save it again in its program and upload the new file."),
            code="content", params={"file": name, "extension": extension},
        )
    return forms.ValidationError(
        _("“%(file)s” is named .%(extension)s, but its content is in another format: %(found)s. Save it in the "
          "right format, or give it its real extension, and upload it again."),
        code="content", params={"file": name, "extension": extension, "found": FORMAT_NAMES[sniffed.type]},
    )


def _check_text(upload, name: str, encoding: str | None) -> None:
    """No NUL character anywhere: it means a binary file renamed .csv, and PostgreSQL cannot
    store one. (Bytes that do not decode are left to the CSV reader, which names their row.)"""
    upload.seek(0)
    line = 1
    if encoding and encoding.startswith("utf-16"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        nul, newline = "\x00", "\n"
    else:  # UTF-8 or a legacy 8-bit encoding: a NUL is a zero byte
        decoder, nul, newline = None, b"\x00", b"\n"
    while block := upload.read(_TEXT_BLOCK):
        text = decoder.decode(block) if decoder else block
        if nul in text:
            raise forms.ValidationError(
                _("“%(file)s”, line %(line)s: the text holds a NUL character, so it is not a text (CSV) file. Save "
                  "it as “CSV UTF-8” and upload it again."),
                code="nul", params={"file": name, "line": line + text[: text.index(nul)].count(newline)},
            )
        line += text.count(newline)


def _check_image(upload, name: str) -> None:
    """The image decodes completely and is not a decompression bomb (billions of pixels)."""
    from PIL import Image

    too_many_pixels = forms.ValidationError(
        _("“%(file)s” has more than %(limit)s million pixels, more than is accepted. Make it smaller and upload it "
          "again."),
        code="pixels", params={"file": name, "limit": Image.MAX_IMAGE_PIXELS // 1_000_000},
    )
    try:
        with warnings.catch_warnings():  # Pillow warns between its limit and twice it: refused below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            width, height = image.size
            if width * height > Image.MAX_IMAGE_PIXELS:
                raise too_many_pixels
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode: a truncated photo passes it
    except Image.DecompressionBombError:  # Pillow's own limit, twice ours, checked on opening
        raise too_many_pixels from None
    except forms.ValidationError:
        raise
    except Exception:  # Pillow raises many types (OSError, SyntaxError, ValueError…) for bad data
        raise forms.ValidationError(
            _("“%(file)s” cannot be opened as an image: the file is damaged. Save it again and upload the new file."),
            code="image", params={"file": name},
        ) from None
    finally:
        upload.seek(0)
