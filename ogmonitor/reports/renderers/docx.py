"""The report as a Word document (python-docx): headings, paragraphs, tables and the charts.

The text is marked as Azerbaijani or English (``w:lang``) so Word and LibreOffice spell-check
it in the right language; the footer carries page numbers (a PAGE field).
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..charts import charts_for

LANGUAGE_TAGS = {"az": "az-Latn-AZ", "en": "en-GB"}
BRAND = RGBColor(0x0B, 0x4F, 0x6C)


def render(content, progress) -> bytes:
    charts = charts_for(content)
    progress(60)
    document = Document()
    _set_up(document, content)
    h = content.headings

    title = document.add_heading(content.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if content.subtitle:
        document.add_paragraph(content.subtitle, style="Subtitle")
    document.add_paragraph(content.method.organization)
    _muted(document.add_paragraph(h.generated))

    document.add_heading(h.summary, level=1)
    for paragraph in content.summary.paragraphs:
        document.add_paragraph(paragraph)
    if content.summary.key_figures:
        document.add_heading(h.key_figures, level=2)
        for item in content.summary.key_figures:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(item.figure.text).bold = True
            paragraph.add_run(f" {item.title}")
            if item.figure.count_text:
                paragraph.add_run(f" ({item.figure.count_text})")

    document.add_heading(h.method, level=1)
    method = content.method
    document.add_paragraph(method.paragraph)
    _table(document, [h.organization, ""], [
        [h.organization, method.organization],
        [h.plan, method.plan],
        [h.period, method.period or "—"],
        [h.districts, ", ".join(method.districts) or "—"],
        [h.communities, ", ".join(method.communities) or "—"],
        [h.channels, ", ".join(method.channels) or "—"],
    ], header=False, widths=[Cm(4), Cm(12)])
    respondents = method.respondents
    if respondents.total:
        _caption(document, h.respondents)
        rows = [[label, *map(str, counts), str(total)] for label, counts, total in respondents.rows]
        rows.append([h.total, *map(str, respondents.totals), str(respondents.total)])
        _table(document, [h.category, *respondents.genders, h.total], rows, numeric_from=1, bold_last=True)
    if method.source_note:
        _muted(document.add_paragraph(method.source_note))

    document.add_heading(h.findings, level=1)
    if content.findings_note:
        _muted(document.add_paragraph(content.findings_note))
    if not content.sections:
        document.add_paragraph(h.no_findings)
    for section in content.sections:
        document.add_heading(section.title, level=2)
        png = charts.get(section.key)
        if png:
            document.add_picture(io.BytesIO(png), width=Cm(16))
        for sentence in section.findings:
            document.add_paragraph(sentence, style="List Bullet")
        if section.indicators:
            headers = [h.indicator, h.rate, h.interval, h.n]
            if content.comparison:
                headers.append(h.previous)
            rows = []
            for row in section.indicators:
                cells = [row.title + (f" ({row.activity})" if row.activity else ""), row.figure.text,
                         row.figure.interval_text or "—", row.figure.count_text or "—"]
                if content.comparison:
                    cells.append(row.previous.text if row.previous else "—")
                rows.append(cells)
            _table(document, headers, rows, numeric_from=1)
    _muted(document.add_paragraph(h.interval_note))
    progress(75)

    document.add_heading(h.comparison, level=1)
    if content.comparison:
        document.add_paragraph(content.comparison.note)
        if content.comparison.rows:
            _table(document, [h.indicator, h.previous, h.rate, h.change, h.p_value, h.verdict], [
                ["\n".join([row.title, *row.notes]), row.previous.text, row.current.text, row.change_text or "—", row.p_value_text or "—",
                 row.verdict]
                for row in content.comparison.rows
            ], numeric_from=1, numeric_to=5)
    else:
        document.add_paragraph(h.no_comparison)

    document.add_heading(h.recommendations, level=1)
    if not content.recommendations:
        document.add_paragraph(h.no_recommendations)
    for item in content.recommendations:
        document.add_paragraph(item.text, style="List Number")
        meta = f"{h.priority}: {item.priority}"
        if item.addressee:
            meta += f" · {h.addressee}: {item.addressee}"
        if item.activities:
            meta += f" · {h.activities}: {item.activities}"
        _muted(document.add_paragraph(meta)).paragraph_format.left_indent = Cm(0.63)

    if content.has_breakdowns:
        document.add_page_break()
        document.add_heading(h.breakdowns, level=1)
        _muted(document.add_paragraph(h.suppressed_note))
        if content.breakdowns_note:
            _muted(document.add_paragraph(content.breakdowns_note))
        for section in content.sections:
            for matrix in section.matrices:
                document.add_heading(section.title, level=2)
                for letter, title in matrix.columns:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(0)
                    paragraph.add_run(f"{letter}  ").bold = True
                    paragraph.add_run(title)
                rows, headings = [], []
                for row in matrix.rows:
                    if row.is_heading:
                        headings.append(len(rows))
                        rows.append([row.label] + [""] * len(matrix.columns))
                    else:
                        rows.append([row.label, *row.cells])
                _table(document, [h.group, *(letter for letter, _title in matrix.columns)], rows, numeric_from=1,
                       group_rows=headings, font_size=Pt(8.5))
    progress(85)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Helpers ------------------------------------------------------------------------------------


def _set_up(document, content) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    document.core_properties.title = content.title
    document.core_properties.language = LANGUAGE_TAGS.get(content.language, content.language)
    document.core_properties.author = content.method.organization
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_language(normal.element.get_or_add_rPr(), LANGUAGE_TAGS.get(content.language, content.language))
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = BRAND
    _page_numbers(section)


def _set_language(run_properties, tag: str) -> None:
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), tag)


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _muted(paragraph):
    for run in paragraph.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x4A, 0x5A, 0x6A)
    return paragraph


def _caption(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(8)


def _table(document, headers, rows, *, header=True, numeric_from=None, numeric_to=None, bold_last=False,
           group_rows=(), widths=None, font_size=None):
    """A table in the "Table Grid" style; numeric columns right-aligned; the header repeats on each page."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    numeric = set(range(numeric_from, numeric_to or len(headers))) if numeric_from is not None else set()
    if header:
        cells = table.add_row().cells
        for index, label in enumerate(headers):
            cells[index].text = ""
            run = cells[index].paragraphs[0].add_run(str(label))
            run.bold = True
            if index in numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _repeat_header(table.rows[0])
    group_rows = set(group_rows)
    for row_index, values in enumerate(rows):
        cells = table.add_row().cells
        if row_index in group_rows:
            merged = cells[0].merge(cells[-1])
            merged.text = ""
            merged.paragraphs[0].add_run(str(values[0])).italic = True
            continue
        for index, value in enumerate(values):
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run(str(value))
            if font_size is not None:
                run.font.size = font_size
            if bold_last and row_index == len(rows) - 1:
                run.bold = True
            if index in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = width
    document.add_paragraph()
    return table


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
