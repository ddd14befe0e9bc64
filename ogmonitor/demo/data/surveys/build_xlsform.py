"""Write local-2022.xlsx, the XLSForm of the 2022 local survey, from the question list below.

Usage: ``python build_xlsform.py [OUTPUT]`` (default: local-2022.xlsx beside this script).

The questionnaire itself was not published; this one is rebuilt from what the findings report
(seeds/2022-local-survey-findings.en.txt) says was asked. The question names are stable: the
2017 round's published results (studies.json) and later indicators refer to them, so rename a
question only together with those.

The output is byte-for-byte the same on every run (fixed file dates), so the committed file
changes only when this script does. Needs openpyxl and Django (for ``slugify``, so community
choice names are the slugs the demo loader gives the communities).
"""

import io
import json
import re
import sys
import zipfile
from pathlib import Path

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
AZ, EN = "Azerbaijani (az)", "English (en)"

SETTINGS = {
    "form_title": "Açıq hökumətin təşviqi: Milli Fəaliyyət Planının yerli səviyyədə icrası (2022)",
    "form_id": "local_2022",
    "version": "2022-03",
    "default_language": AZ,
}

YES_PARTLY = "${nap_aware} = 'yes' or ${nap_aware} = 'partly'"
REQUIRED = {
    "required": "yes",
    "required_message": ("Bu suala cavab verin.", "Please answer this question."),
}

#: The survey sheet, one dict per row. Texts are (Azerbaijani, English). nap_activity and
#: nap_area are numbers of the 2020–2022 plan (nap-2020-2022.json; its activities are
#: placeholders, so the links follow the areas' topic hints).
SURVEY = [
    {
        "type": "note",
        "name": "intro",
        "label": (
            "Bu sorğu «Açıq hökumətin təşviqinə dair 2020–2022-ci illər üçün Milli Fəaliyyət Planı»nın "
            "icmanızda necə həyata keçirildiyini öyrənmək üçün aparılır. Cavablar yalnız ümumiləşdirilmiş "
            "şəkildə təhlil ediləcək.",
            "This survey studies how the National Action Plan for the Promotion of Open Government "
            "2020–2022 is implemented in your community. Answers are analysed only in aggregate.",
        ),
    },
    {
        "type": "begin_group",
        "name": "profile",
        "label": ("Respondent haqqında", "About the respondent"),
    },
    {
        "type": "select_one category",
        "name": "category",
        **REQUIRED,
        "label": ("Hansı qrupu təmsil edirsiniz?", "Which group do you represent?"),
    },
    {"type": "select_one gender", "name": "gender", **REQUIRED, "label": ("Cinsiniz", "Gender")},
    {
        "type": "select_one community",
        "name": "community",
        **REQUIRED,
        "label": ("Hansı icmanı təmsil edirsiniz?", "Which community do you represent?"),
    },
    {
        "type": "select_one channel",
        "name": "channel",
        "label": ("Sorğu hansı üsulla aparılır?", "How is the survey conducted?"),
        "hint": (
            "Sorğuçu qeyd edir; onlayn formada avtomatik qeyd olunur.",
            "Filled in by the interviewer; set automatically in the web form.",
        ),
    },
    {
        "type": "date",
        "name": "interview_date",
        "label": ("Sorğunun tarixi", "Date of the interview"),
    },
    {"type": "end_group", "name": "profile"},
    {
        "type": "select_one aware3",
        "name": "nap_aware",
        **REQUIRED,
        "label": (
            "«Açıq hökumətin təşviqi» layihəsi və Milli Fəaliyyət Planı haqqında məlumatınız varmı?",
            "Are you aware of the Promotion of Open Government project and the National Action Plan?",
        ),
        "hint": (
            "Prezidentin 27 fevral 2020-ci il tarixli 1859 nömrəli Sərəncamı ilə təsdiq edilmiş plan.",
            "The plan approved by Presidential Decree No. 1859 of 27 February 2020.",
        ),
    },
    {
        "type": "select_multiple info_source",
        "name": "nap_info_source",
        **REQUIRED,
        "relevant": YES_PARTLY,
        "label": ("Bu barədə məlumatı haradan almısınız?", "Where did you get this information?"),
        "hint": ("Bir neçə cavab seçə bilərsiniz.", "You may choose several answers."),
    },
    {
        "type": "select_one yes_no",
        "name": "eservices_use",
        "nap_activity": "1.1",
        "label": ("Elektron xidmətlərdən istifadə edirsinizmi?", "Do you use e-services?"),
        "hint": (
            "Məsələn, kommunal xərclərin və cərimələrin onlayn ödənişi, elektron hökumət portalının xidmətləri.",
            "For example paying utility bills and fines online, or the services of the e-government portal.",
        ),
    },
    {
        "type": "select_one yes_no_dk",
        "name": "terminal_in_community",
        "nap_activity": "1.2",
        "label": (
            "İcmanızda elektron ödəniş terminalı quraşdırılıbmı?",
            "Has an electronic payment terminal been installed in your community?",
        ),
    },
    {
        "type": "select_one yes_no",
        "name": "portal_aware",
        "nap_activity": "2.1",
        "label": (
            "Açıq hökumət portalı haqqında məlumatınız varmı?",
            "Are you aware of the Open Government Portal?",
        ),
    },
    {
        "type": "select_one yes_no",
        "name": "mobile_interface_use",
        "nap_activity": "1.3",
        "label": (
            "Dövlət orqanlarının internet saytlarının mobil versiyasından istifadə edirsinizmi?",
            "Do you use the mobile interface of government bodies' websites?",
        ),
    },
    {
        "type": "select_one aware3",
        "name": "dialogue_platform_aware",
        "nap_activity": "3.1",
        "label": (
            "Açıq hökumətin təşviqinə dair Hökumət–Vətəndaş Cəmiyyəti Dialoq Platforması, onun məqsədləri "
            "və fəaliyyəti haqqında məlumatınız varmı?",
            "Are you aware of the Government–Civil Society Dialogue Platform on the Promotion of Open "
            "Government, its aims and its work?",
        ),
    },
    {
        "type": "select_one yes_no",
        "name": "community_councils_aware",
        "nap_area": "4",
        "label": (
            "İcma (ictimai) şuraları və onların fəaliyyəti haqqında məlumatınız varmı?",
            "Are you aware of community (public) councils and their activities?",
        ),
    },
    {
        "type": "select_one yes_no",
        "name": "cbo_familiar",
        "label": (
            "QHT-lər və digər təşkilatların icmanızda yaratdığı icma əsaslı təşkilatların fəaliyyəti "
            "ilə tanışsınızmı?",
            "Are you familiar with the activities of the community-based organisations that NGOs and "
            "other organisations have set up in your community?",
        ),
    },
    {
        "type": "select_one yes_no_dk",
        "name": "municipal_reports",
        "nap_activity": "5.1",
        "label": (
            "Bələdiyyəniz seçicilər qarşısında hesabat verirmi?",
            "Does your municipality report to its voters?",
        ),
    },
]

#: Respondent categories: the codes of surveys/migrations/0002_respondent_categories.py.
CATEGORIES = [
    ("municipality", "Bələdiyyə sədri və ya üzvü", "Municipality head or member"),
    (
        "excom",
        "İcra hakimiyyəti başçısının ərazi nümayəndəsi və ya müavini",
        "Executive-committee territorial representative or deputy",
    ),
    (
        "community_council",
        "İcma İnkişaf Şurasının koordinatoru və ya üzvü",
        "Community development council coordinator or member",
    ),
    ("ngo", "Yerli QHT nümayəndəsi", "Local NGO representative"),
    ("entrepreneur", "Sahibkar və ya fermer", "Entrepreneur or farmer"),
    ("other", "Digər", "Other"),
]

CHOICES = {
    "aware3": [("yes", "Bəli", "Yes"), ("partly", "Qismən", "Partly"), ("no", "Xeyr", "No")],
    "yes_no": [("yes", "Bəli", "Yes"), ("no", "Xeyr", "No")],
    "yes_no_dk": [
        ("yes", "Bəli", "Yes"),
        ("no", "Xeyr", "No"),
        ("dont_know", "Bilmirəm", "Don't know"),
    ],
    "info_source": [
        ("tv", "Televiziya", "Television"),
        ("press", "Mətbuat (qəzet, jurnal)", "Press (newspapers, magazines)"),
        ("internet", "İnternet saytları", "Websites"),
        ("social_media", "Sosial şəbəkələr", "Social media"),
        ("meeting", "Görüş və tədbirlər", "Meetings and events"),
        ("other", "Digər", "Other"),
    ],
    "category": CATEGORIES,
    "gender": [
        ("woman", "Qadın", "Woman"),
        ("man", "Kişi", "Man"),
        ("other", "Digər və ya göstərilməyib", "Other or unstated"),
    ],
    "channel": [
        ("face_to_face", "Üzbəüz görüş", "Face-to-face"),
        ("online_meeting", "Onlayn görüş (Zoom)", "Online meeting (Zoom)"),
        ("web_form", "Onlayn sorğu forması (Google Forms)", "Web form (Google Forms)"),
        ("phone", "Telefonla", "By phone"),
    ],
}

TRANSLATED = ["label", "hint", "required_message"]
PLAIN = ["required", "relevant", "nap_activity", "nap_area"]
#: All generated files get this date, so the output does not change from run to run.
FIXED_DATE = (2022, 3, 1, 0, 0, 0)
FIXED_STAMP = "2022-03-01T00:00:00Z"


def community_choices() -> list[tuple[str, str, str]]:
    """The 2022 study's communities (../studies.json), named by the slug the loader gives them."""
    studies = json.loads((HERE.parent / "studies.json").read_text(encoding="utf-8"))["studies"]
    study = next(study for study in studies if study["key"] == "2022")
    return [
        (slugify(community["name"]["en"]), community["name"]["az"], community["name"]["en"])
        for district in study["districts"]
        for community in district["communities"]
    ]


def survey_rows() -> tuple[list[str], list[list[str]]]:
    headers = ["type", "name"]
    for column in TRANSLATED:
        headers += [f"{column}::{AZ}", f"{column}::{EN}"]
    headers += PLAIN
    rows = []
    for entry in SURVEY:
        row = {"type": entry["type"], "name": entry["name"]}
        for column in TRANSLATED:
            if column in entry:
                row[f"{column}::{AZ}"], row[f"{column}::{EN}"] = entry[column]
        row.update({column: entry[column] for column in PLAIN if column in entry})
        rows.append([row.get(header, "") for header in headers])
    return headers, rows


def choice_rows() -> tuple[list[str], list[list[str]]]:
    lists = {**CHOICES, "community": community_choices()}
    rows = [
        [list_name, name, az, en]
        for list_name, choices in lists.items()
        for name, az, en in choices
    ]
    return ["list_name", "name", f"label::{AZ}", f"label::{EN}"], rows


def build() -> bytes:
    """The XLSForm as .xlsx bytes, identical on every run."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [
        ("survey", *survey_rows()),
        ("choices", *choice_rows()),
        ("settings", list(SETTINGS), [list(SETTINGS.values())]),
    ]
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Strings throughout (None for empty): Excel must not read activity "1.10" as 1.1.
            sheet.append([value or None for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_dates(buffer.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """The workbook with its save time and its zip entries' dates replaced by FIXED_DATE."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + FIXED_STAMP.encode(),
                    content,
                )
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=FIXED_DATE), content, zipfile.ZIP_DEFLATED
            )
    return output.getvalue()


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else HERE / "local-2022.xlsx"
    output.write_bytes(build())
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv)
