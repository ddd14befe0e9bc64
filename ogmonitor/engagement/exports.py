"""What an organisation sends to, or keeps about, one authority: a cover letter and a list.

:func:`proposal_letter` writes the formal letter (python-docx) that submits proposals to an
authority and asks for an answer; :func:`proposal_workbook` lists every proposal put to that
authority with its whole state (openpyxl). Both are written in the active language: proposal
texts come in that language when they have it (modeltranslation falls back to the other one).
"""

import datetime as dt
import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ogmonitor.lib.spreadsheet import neutralise, sheet_name

from .proposals import days_overdue

LANGUAGE_TAGS = {"az": "az-Latn-AZ", "en": "en-GB"}



def _long_date(value: dt.date | None) -> str:
    # "24 November 2026" / "24 Noyabr 2026": the full month, as formal letters write it.
    return date_format(value, "j F Y") if value else ""


def _raised_by(proposal) -> str:
    names = [str(item) for item in (proposal.raised_by_group, proposal.raised_by_organization) if item is not None]
    return ", ".join(names)


def _place(event) -> str:
    if event.place:
        return event.place
    if event.community_id:
        return str(event.community)
    if event.district_id:
        return str(event.district)
    return ""


def raised_sentence(proposal) -> str:
    """Where, when and by whom a proposal was raised, as one sentence for the letter."""
    event, who = proposal.event, _raised_by(proposal)
    params = {"who": who}
    if event is not None:
        params.update(event=event.title, date=_long_date(event.date), place=_place(event))
        if params["place"] and who:
            return _("Raised by %(who)s at “%(event)s” in %(place)s on %(date)s.") % params
        if params["place"]:
            return _("Raised at “%(event)s” in %(place)s on %(date)s.") % params
        if who:
            return _("Raised by %(who)s at “%(event)s” on %(date)s.") % params
        return _("Raised at “%(event)s” on %(date)s.") % params
    if proposal.community_id and who:
        return _("Raised by %(who)s in %(place)s.") % {"who": who, "place": proposal.community}
    if who:
        return _("Raised by %(who)s.") % params
    if proposal.community_id:
        return _("Raised in %(place)s.") % {"place": proposal.community}
    return ""


# --- The cover letter ----------------------------------------------------------------------------


def proposal_letter(addressee, proposals, *, sender=None, today: dt.date | None = None) -> bytes:
    """A cover letter from ``sender`` (an Organization, or None) submitting ``proposals`` to ``addressee``.

    The letter asks for an answer within the shortest ``answer_days`` among the proposals, so
    no proposal's deadline passes before the letter's does. It is meant to be printed on the
    sender's letterhead, signed and registered: the outgoing number is left blank for that.
    """
    proposals = list(proposals)
    today = today or timezone.localdate()
    language = (get_language() or "az")[:2]
    document = Document()
    _set_up(document, language, title=_("Proposals to %(addressee)s") % {"addressee": addressee.name},
            author=sender.name if sender else "")

    if sender is not None:
        heading = document.add_paragraph()
        heading.add_run(sender.name).bold = True
        for line in (sender.address, sender.phone, sender.email):
            if line:
                _tight(document.add_paragraph(line))
    document.add_paragraph()
    _tight(document.add_paragraph(_("Date: %(date)s") % {"date": _long_date(today)}))
    _tight(document.add_paragraph(_("No.: ____________")))

    recipient = document.add_paragraph()
    recipient.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    recipient.paragraph_format.space_before = Pt(12)
    recipient.add_run(_("To: %(addressee)s") % {"addressee": addressee.name}).bold = True
    if addressee.address:
        line = document.add_paragraph(addressee.address)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    count = len(proposals)
    subject = document.add_paragraph()
    subject.paragraph_format.space_before = Pt(12)
    subject.add_run(
        ngettext(
            "Subject: %(count)s proposal on the local implementation of the Open Government National Action Plan",
            "Subject: %(count)s proposals on the local implementation of the Open Government National Action Plan",
            count,
        ) % {"count": count}
    ).bold = True

    document.add_paragraph(_("Dear Sir or Madam,"))
    if sender is not None:
        intro = ngettext(
            "%(sender)s submits to you %(count)s proposal, set out below, raised by residents and civil society while monitoring how the Open Government National Action Plan is carried out locally.",
            "%(sender)s submits to you %(count)s proposals, set out below, raised by residents and civil society while monitoring how the Open Government National Action Plan is carried out locally.",
            count,
        ) % {"sender": sender.name, "count": count}
    else:
        intro = ngettext(
            "We submit to you %(count)s proposal, set out below, raised by residents and civil society while monitoring how the Open Government National Action Plan is carried out locally.",
            "We submit to you %(count)s proposals, set out below, raised by residents and civil society while monitoring how the Open Government National Action Plan is carried out locally.",
            count,
        ) % {"count": count}
    document.add_paragraph(intro)

    for position, proposal in enumerate(proposals, start=1):
        item = document.add_paragraph()
        item.paragraph_format.left_indent = Cm(0.75)
        item.paragraph_format.first_line_indent = Cm(-0.75)
        item.paragraph_format.space_after = Pt(2)
        item.paragraph_format.keep_with_next = True
        item.add_run(f"{position}.\t").bold = True
        item.add_run(proposal.text)
        details = [raised_sentence(proposal)]
        if proposal.activity_id:
            details.append(_("NAP activity: %(activity)s.") % {"activity": proposal.activity})
        if proposal.submitted_on:
            if proposal.reference_number:
                details.append(
                    _("Submitted to you on %(date)s, reference %(reference)s.")
                    % {"date": _long_date(proposal.submitted_on), "reference": proposal.reference_number}
                )
            else:
                details.append(_("Submitted to you on %(date)s.") % {"date": _long_date(proposal.submitted_on)})
        details.append(_("Our reference: proposal no. %(number)s.") % {"number": proposal.number})
        meta = document.add_paragraph(" ".join(detail for detail in details if detail))
        meta.paragraph_format.left_indent = Cm(0.75)
        for run in meta.runs:
            run.font.size = Pt(10)
            run.italic = True

    days = min((proposal.answer_days for proposal in proposals), default=None)
    if days:
        closing = ngettext(
            "We kindly ask you to inform us of your decision on each proposal within %(days)s day of receiving this letter.",
            "We kindly ask you to inform us of your decision on each proposal within %(days)s days of receiving this letter.",
            days,
        ) % {"days": days}
    else:
        closing = _("We kindly ask you to inform us of your decision on each proposal.")
    document.add_paragraph(closing).paragraph_format.space_before = Pt(12)
    document.add_paragraph(_("Respectfully,")).paragraph_format.space_before = Pt(12)
    signature = document.add_paragraph("______________________")
    signature.paragraph_format.space_before = Pt(24)
    if sender is not None:
        _tight(document.add_paragraph(sender.name))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document, language: str, *, title: str, author: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    tag = LANGUAGE_TAGS.get(language, language)
    document.core_properties.title = title
    document.core_properties.language = tag
    document.core_properties.author = author
    normal = document.styles["Normal"]
    # Official letters in Azerbaijan are set in Times New Roman, which has every letter (ə ğ ı İ…).
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    properties = normal.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), "Times New Roman")
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def _tight(paragraph):
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


# --- The list -------------------------------------------------------------------------------------


def workbook_columns() -> list[tuple[str, int]]:
    """The list's columns: (heading, width in characters)."""
    return [
        (_("No."), 7), (_("Proposal"), 60), (_("Topic"), 20), (_("Raised by"), 28), (_("Event"), 30),
        (_("Event date"), 12), (_("Community"), 18), (_("NAP activity"), 30), (_("Status"), 18),
        (_("Submitted on"), 12), (_("Channel"), 18), (_("Reference number"), 16), (_("Answer due"), 12),
        (_("Acknowledged on"), 12), (_("Answer"), 60), (_("Answered on"), 12), (_("Decided on"), 12),
        (_("Implemented on"), 12), (_("Days overdue"), 10),
    ]


def proposal_workbook(addressee, proposals, *, today: dt.date | None = None) -> bytes:
    """Every proposal in ``proposals`` (put to ``addressee``) as one row, header bold and frozen.

    Dates are real dates, numbers real numbers, so the list can be sorted and filtered;
    "Days overdue" is empty for a proposal that is not overdue.
    """
    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(_("Proposals"))
    workbook.properties.title = _("Proposals to %(addressee)s") % {"addressee": addressee.name}
    workbook.properties.language = LANGUAGE_TAGS.get((get_language() or "az")[:2])

    columns = workbook_columns()
    sheet.append([neutralise(heading) for heading, _width in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    dates = {6, 10, 13, 14, 16, 17, 18}
    wrapped = {2, 15}
    for proposal in proposals:
        event = proposal.event
        overdue_days = days_overdue(proposal, today)
        sheet.append([neutralise(value) for value in [
            proposal.number, proposal.text, proposal.topic, _raised_by(proposal),
            event.title if event else "", event.date if event else None,
            str(proposal.community) if proposal.community_id else "",
            str(proposal.activity) if proposal.activity_id else "",
            str(proposal.get_status_display()), proposal.submitted_on,
            str(proposal.get_submitted_via_display()) if proposal.submitted_via else "", proposal.reference_number,
            proposal.answer_due, proposal.acknowledged_on, proposal.answer_text, proposal.answered_on,
            proposal.decided_on, proposal.implemented_on, overdue_days or None,
        ]])
        for cell in sheet[sheet.max_row]:
            if cell.column in dates:
                cell.number_format = "DD.MM.YYYY"
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in wrapped)
    for index, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
