"""Upload checks: size, extension and real content, each refusal naming the file and the reason."""

import codecs
import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ogmonitor.lib import filetypes
from ogmonitor.lib.uploads import DOCUMENT, IMAGE, TABLE, XLSFORM, check_upload
from ogmonitor.surveys.factories import SAMPLE_FORM


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def image(fmt: str, size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def package(members: dict[str, bytes | str], *, encrypt_flag: bool = False) -> bytes:
    """A zip with ``members`` (``encrypt_flag`` marks each as password-protected, as zip tools do)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    data = bytearray(buffer.getvalue())
    if encrypt_flag:  # set bit 0 of the flags in every local and central header
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            position = data.find(signature)
            while position != -1:
                data[position + offset] |= 0x01
                position = data.find(signature, position + 4)
    return bytes(data)


def docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


ODT = package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
CSV_UTF8 = "İcma,Cavab\nQəbələ,Bəli\n".encode()


def refusal(upload_name: str, content: bytes, kind) -> str:
    with pytest.raises(forms.ValidationError) as caught:
        check_upload(SimpleUploadedFile(upload_name, content), kind)
    [message] = caught.value.messages
    assert f"“{upload_name}”" in message  # every refusal names the file
    return message


# --- What is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("cavablar.csv", CSV_UTF8, TABLE),
    ("cavablar.csv", codecs.BOM_UTF8 + CSV_UTF8, TABLE),
    ("cavablar.txt", codecs.BOM_UTF16_LE + "İcma\tCavab\nQəbələ\tBəli\n".encode("utf-16-le"), TABLE),
    ("plan.csv", "Şəki,Qəbələ\n".encode("cp1254", errors="replace"), TABLE),  # its reader names the bad row
    ("Cavablar.XLSX", SAMPLE_FORM, TABLE),
    ("sorğu.xlsx", SAMPLE_FORM, XLSFORM),
    ("şəkil.jpg", image("JPEG"), IMAGE),
    ("şəkil.jpeg", image("PNG"), IMAGE),  # a PNG named .jpeg is still an image, served as PNG
    ("şəkil.webp", image("WEBP"), DOCUMENT),
    ("şəkil.gif", image("GIF"), DOCUMENT),
    ("protokol.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", DOCUMENT),
    ("protokol.docx", docx(), DOCUMENT),
    ("protokol.odt", ODT, DOCUMENT),
    ("protokol.rtf", b"{\\rtf1\\ansi Protokol}", DOCUMENT),
    ("protokol.txt", "Gündəlik: 1. Büdcə".encode(), DOCUMENT),
    ("protokol.doc", OLE_HEADER + b"WordDocument".ljust(512, b"\x00"), DOCUMENT),
    ("cədvəl.xlsx", SAMPLE_FORM, DOCUMENT),
])
def test_files_of_the_right_kind_are_accepted_and_left_at_their_start(name, content, kind):
    upload = SimpleUploadedFile(name, content)
    upload.read(3)
    assert check_upload(upload, kind) is upload
    assert upload.read() == content


# --- What is refused, and why -------------------------------------------------------------------


def test_a_file_too_large_is_refused_with_both_sizes(settings):
    settings.OGMONITOR_MAX_UPLOAD_BYTES = 10
    assert "“cavablar.csv” is 28\xa0bytes but at most 10\xa0bytes can be imported" in refusal("cavablar.csv", CSV_UTF8, TABLE)


def test_an_empty_file_is_refused():
    assert refusal("boş.csv", b"", TABLE) == "“boş.csv” is empty."


@pytest.mark.parametrize(("name", "kind", "listed"), [
    ("cavablar.xls", TABLE, ".csv, .tsv, .txt, .xlsx"),
    ("sorğu.csv", XLSFORM, ".xlsx"),
    ("proqram.exe", DOCUMENT, ".pdf"),
    ("şəkil", IMAGE, ".jpg"),
])
def test_an_extension_the_field_does_not_take_is_refused_listing_those_it_does(name, kind, listed):
    assert listed in refusal(name, CSV_UTF8, kind)


@pytest.mark.parametrize(("name", "content"), [
    ("səhifə.html", b"<p>salam</p>"),
    ("şəkil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("şəkil.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("protokol.txt", b"\xef\xbb\xbf  <html><body onload=alert(1)>"),
    ("şəkil.png", b'<?xml version="1.0"?>\n<!-- drawn -->\n<svg onload="alert(1)"/>'),
    ("cavablar.csv", b"<script>alert(1)</script>,b\n1,2\n"),
])
def test_web_pages_and_svg_are_refused_whatever_their_name(name, content):
    kind = TABLE if name.endswith(".csv") else DOCUMENT
    assert "could run scripts in visitors’ browsers" in refusal(name, content, kind)


@pytest.mark.parametrize(("name", "content", "found"), [
    ("protokol.pdf", image("PNG"), "PNG"),
    ("cavablar.xlsx", CSV_UTF8, "text (CSV, TXT)"),
    ("sorğu.xlsx", ODT, "OpenDocument text (.odt)"),
    ("protokol.docx", SAMPLE_FORM, "Excel (.xlsx)"),
    ("şəkil.png", b"%PDF-1.4 x", "PDF"),
    ("cavablar.xlsx", OLE_HEADER, "Office 97–2003 (.doc, .xls, .ppt)"),
])
def test_content_in_another_format_than_the_name_says_is_refused_naming_it(name, content, found):
    kind = DOCUMENT if name.endswith((".pdf", ".docx", ".png")) else TABLE
    message = refusal(name, content, kind)
    assert f"its content is in another format: {found}" in message


def test_a_binary_file_renamed_csv_is_refused():
    assert "its content is in no format accepted here" in refusal("cavablar.csv", b"\x7fELF\x02\x01\x01\x00" * 40, TABLE)


def test_a_nul_in_a_csv_is_refused_with_its_line():
    content = CSV_UTF8 * 30 + b"Quba,\x00Xeyr\n"
    assert "“cavablar.csv”, line 61: the text holds a NUL character" in refusal("cavablar.csv", content, TABLE)


def test_a_nul_in_utf16_text_is_found_after_decoding():
    content = codecs.BOM_UTF16_LE + ("a\tb\n" + "1\t2\n" * 200 + "3\x00\t4\n").encode("utf-16-le")
    assert "“cavablar.txt”, line 202: the text holds a NUL" in refusal("cavablar.txt", content, TABLE)


@pytest.mark.parametrize("members", [
    {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": b"\x00VBA"},
    {"[Content_Types].xml": '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
                            "</Types>", "xl/workbook.xml": "<workbook/>"},
])
def test_a_workbook_with_macros_is_refused_even_when_renamed_xlsx(members):
    assert "contains macros" in refusal("cavablar.xlsx", package(members), TABLE)


def test_password_protected_files_are_refused():
    encrypted_zip = package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, encrypt_flag=True)
    assert "protected by a password" in refusal("cavablar.xlsx", encrypted_zip, TABLE)
    # Excel saves a password-protected .xlsx as a compound file holding an "EncryptedPackage".
    encrypted_ole = OLE_HEADER + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    assert "protected by a password" in refusal("protokol.doc", encrypted_ole, DOCUMENT)


def test_an_old_office_file_with_a_vba_project_is_refused():
    assert "contains macros" in refusal("protokol.doc", OLE_HEADER + "_VBA_PROJECT".encode("utf-16-le"), DOCUMENT)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                    "xl/worksheets/sheet1.xml": b"\x00" * 30_000_000})
    assert len(bomb) < 100_000
    assert "would unpack to 28.6\xa0MB, far more than a real file of its size" in refusal("cavablar.xlsx", bomb, TABLE)


def test_a_damaged_workbook_is_refused():
    data = bytearray(SAMPLE_FORM)
    data[len(data) // 2] ^= 0xFF  # inside a member's packed data: its checksum no longer matches
    assert "is damaged" in refusal("sorğu.xlsx", bytes(data), XLSFORM)
    assert "is named .xlsx, but its content is in another format" in refusal("sorğu.xlsx", SAMPLE_FORM[:2], XLSFORM)


def test_an_image_that_does_not_decode_is_refused():
    truncated = image("JPEG", (64, 64))[:300]
    assert "cannot be opened as an image" in refusal("şəkil.jpg", truncated, IMAGE)
    assert "cannot be opened as an image" in refusal("şəkil.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, IMAGE)


@pytest.mark.parametrize("limit", [300, 100])  # above our limit; above twice it (Pillow's own refusal)
def test_an_image_with_too_many_pixels_is_refused(monkeypatch, limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    assert "has more than 0 million pixels" in refusal("şəkil.png", image("PNG", (20, 20)), IMAGE)


# --- Sniffing, on anything --------------------------------------------------------------------


@pytest.mark.parametrize(("content", "served_as"), [
    (image("PNG"), "image/png"),
    (CSV_UTF8, "text/plain; charset=utf-8"),
    (codecs.BOM_UTF16_LE + "a".encode("utf-16-le"), "text/plain; charset=utf-16"),
    ("Şəki".encode("cp1254", errors="replace"), "text/plain"),
    (b"<html><script>alert(1)</script>", "application/octet-stream"),
    (b"\x00\x01\x02garbage", "application/octet-stream"),
    (SAMPLE_FORM, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_the_content_type_comes_from_the_content(content, served_as):
    assert filetypes.sniff(io.BytesIO(content)).content_type == served_as


@settings(max_examples=300, deadline=None, database=None)
@given(content=st.binary(max_size=4000), name=st.sampled_from(["a.csv", "a.xlsx", "a.png", "a.pdf", "a.docx"]))
def test_any_bytes_are_either_accepted_or_refused_with_the_file_named(content, name):
    """Never an exception other than a ValidationError, whatever the bytes."""
    for kind in (TABLE, XLSFORM, DOCUMENT):
        try:
            check_upload(SimpleUploadedFile(name, content), kind)
        except forms.ValidationError as error:
            assert all(f"“{name}”" in message for message in error.messages)


# --- Every upload form checks its files so ----------------------------------------------------


def upload_errors(form) -> list[str]:
    assert not form.is_valid()
    return form.errors["file"]


def test_an_event_photo_must_be_an_image_and_a_document_a_real_document(db):
    from ogmonitor.engagement.forms_events import EventDocumentForm

    pdf = SimpleUploadedFile("gündəlik.pdf", b"%PDF-1.4 agenda")
    [error] = upload_errors(EventDocumentForm(data={"kind": "photo"}, files={"file": pdf}))
    assert error.startswith("“gündəlik.pdf” cannot be uploaded here") and ".webp" in error
    assert EventDocumentForm(data={"kind": "document"}, files={"file": pdf}).is_valid()
    page = SimpleUploadedFile("gündəlik.pdf", b"<html><script>alert(1)</script>")
    assert "could run scripts" in upload_errors(EventDocumentForm(data={"kind": "document"}, files={"file": page}))[0]


def test_a_platform_document_is_checked_and_an_empty_one_named(db):
    from ogmonitor.engagement.forms_platforms import DocumentForm

    data = {"kind": "rules", "title_az": "Qaydalar"}
    svg = SimpleUploadedFile("qaydalar.svg", b"<svg onload=alert(1)>")
    assert "could run scripts" in upload_errors(DocumentForm(data=data, files={"file": svg}))[0]
    assert upload_errors(DocumentForm(data=data, files={"file": SimpleUploadedFile("boş.pdf", b"")})) == [
        "“boş.pdf” is empty."]


def test_the_import_and_questionnaire_forms_check_content():
    from ogmonitor.plans.forms import ImportUploadForm
    from ogmonitor.surveys.forms import QuestionnaireUploadForm

    renamed = SimpleUploadedFile("plan.xlsx", CSV_UTF8)
    assert "its content is in another format" in upload_errors(ImportUploadForm(files={"file": renamed}))[0]
    macro = SimpleUploadedFile("sorğu.xlsx", package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>",
                                                       "xl/vbaProject.bin": b"VBA"}))
    assert "contains macros" in upload_errors(QuestionnaireUploadForm(files={"file": macro}))[0]
