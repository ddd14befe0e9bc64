"""HTML typed into user text is shown as text, on public and staff pages alike.

Script tags and attribute breakouts are saved into every kind of text users type (an event
title, a proposal, a finding, an organisation's name, an answer), then the pages showing them are
fetched: the raw markup must never appear, its escaped form must (or the test proves nothing).

Autoescaping is what protects these pages, so the other test lists every way around it —
``|safe``, ``mark_safe(``, ``format_html(`` and their kin — in ``ogmonitor/`` and fails on any
use not in :data:`ALLOWED`, where each one must say why its text cannot carry user markup.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from ogmonitor.engagement.factories import EventFactory, ProposalFactory
from ogmonitor.findings.models import Finding
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentFactory,
    StudyFactory,
    SubmissionFactory,
)
from ogmonitor.surveys.models import Answer

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
#: What the page must hold instead: the same text, escaped.
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def marked_up(db, ngo_a):
    """One record of each kind, its texts carrying markup in both languages."""
    organization = OrganizationFactory(name_az=f"Təşkilat {SCRIPT}", name_en=f"Organisation {BREAKOUT}")
    event = EventFactory(title_az=f"Görüş {SCRIPT}", title_en=f"Meeting {BREAKOUT}",
                         summary_az=BREAKOUT, summary_en=SCRIPT)
    event.organizers.add(organization)
    proposal = ProposalFactory(text_az=f"Təklif {BREAKOUT}", text_en=f"Proposal {SCRIPT}", addressee=organization)
    study = StudyFactory(organization=ngo_a)
    finding = Finding.objects.create(study=study, position=1, status=Finding.Status.PUBLISHED,
                                     text_az=f"Tapıntı {SCRIPT}", text_en=f"Finding {BREAKOUT}")
    questionnaire = QuestionnaireFactory(study=study)
    submission = SubmissionFactory(questionnaire=questionnaire, respondent=RespondentFactory(study=study))
    Answer.objects.create(submission=submission, question=questionnaire.questions.get(name="comment"),
                          text=f"{SCRIPT} {BREAKOUT}")
    return {"organization": organization, "event": event, "proposal": proposal, "study": study, "finding": finding,
            "submission": submission}


#: (page, who looks at it: None for a visitor, or a fixture name) → the page's address.
PAGES = {
    ("event", None): lambda m: m["event"].get_absolute_url(),
    ("events", None): lambda m: reverse("engagement:events"),
    ("event form", "coordinator"): lambda m: reverse("engagement:event_edit", args=[m["event"].slug]),
    ("proposal", None): lambda m: reverse("engagement:proposal", args=[m["proposal"].number]),
    ("proposals", None): lambda m: reverse("engagement:proposals"),
    ("proposal form", "coordinator"): lambda m: reverse("engagement:proposal_edit", args=[m["proposal"].number]),
    ("study results", None): lambda m: reverse("findings:study", args=[m["study"].slug]),
    ("finding form", "coordinator"): lambda m: reverse("findings:finding_edit", args=[m["study"].slug, m["finding"].pk]),
    ("organisation", None): lambda m: reverse("places:organization", args=[m["organization"].slug]),
    ("organisations", None): lambda m: reverse("places:organizations"),
    ("organisation form", "coordinator"): lambda m: reverse("places:organization_edit", args=[m["organization"].slug]),
    ("submission", "coordinator"): lambda m: reverse(
        "surveys:review_detail", args=[m["study"].slug, m["submission"].uuid]),
}


@pytest.mark.parametrize(("page", "who"), PAGES)
def test_markup_in_user_text_is_shown_escaped(request, client_for, marked_up, page, who):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(PAGES[page, who](marked_up))

    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert any(escaped in html for escaped in ESCAPED), "the marked-up text is not on the page"


# --- Ways around autoescaping -----------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parent.parent
UNESCAPING = re.compile(
    r"\|\s*safe(?:seq)?\b|mark_safe\(|format_html(?:_join)?\(|SafeString\(|\{%\s*autoescape\s+off|html_safe"
)
#: "path:line text" → why it cannot carry user markup. Empty: no template or code bypasses
#: autoescaping today. Add an entry only with a reason a reviewer can check.
ALLOWED: dict[str, str] = {}


def unescaping_uses() -> list[str]:
    uses = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html", ".txt", ".xml", ".svg"} or path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if UNESCAPING.search(line):
                uses.append(f"{path.relative_to(PACKAGE.parent)}:{number} {line.strip()}")
    return uses


def test_every_way_around_autoescaping_is_listed_with_its_reason():
    uses = unescaping_uses()
    assert [use for use in uses if use not in ALLOWED] == [], "new unescaped output: check it and list it in ALLOWED"
    assert [use for use in ALLOWED if use not in uses] == [], "listed but gone: remove it from ALLOWED"


@pytest.mark.parametrize("line", [
    "{{ text|safe }}", "{{ items|safeseq|join:', ' }}", "{% autoescape off %}", "return mark_safe(html)",
    'format_html("<b>{}</b>", name)', "SafeString(text)", "{{ x | safe }}",
])
def test_the_scan_recognises_each_way_around_autoescaping(line):
    assert UNESCAPING.search(line)
