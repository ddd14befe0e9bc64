"""Write local-2022-responses-SYNTHETIC.csv: invented answers whose counts give the published 2022 figures.

Usage: ``python build_synthetic.py [OUTPUT]`` (default: the CSV beside this script).

SYNTHETIC: the 2022 microdata were never published. These 65 rows are made up so that the demo
exercises the real response import and the findings reproduce what the seed reports
(seeds/2022-local-survey-findings.en.txt): 65 respondents (7 women, 58 men) from five groups in
12 communities, interviewed face to face, in Zoom meetings and by a web form, and

====================================  =====================  ==========
question                              count                  published
====================================  =====================  ==========
nap_aware = yes                       15 / 65                23.1 %
eservices_use = yes                   39 / 65                60 %
terminal_in_community = yes           4 of 12 communities    4 of 12
portal_aware = yes                    10 / 65                15.4 %
mobile_interface_use = yes            31 / 65                47.7 %
dialogue_platform_aware = partly      23 / 65                35.4 %
community_councils_aware = yes        34 / 64 (1 blank)      53 %
cbo_familiar = yes                    54 / 65                83.1 %
municipal_reports = yes               46 / 64 (1 blank)      71.9 %
====================================  =====================  ==========

Everything else is a demo choice, not a finding: the split by group and gender, which
communities have a terminal (the first of each district, standing for those near the rayon
centre), the dates, the channels, the other answers' split (partly/no, no/don't know), and who
gave which answer. Respondents are drawn with a weight by group so that, as the seed says, those
aware of the plan are mostly ExCom, municipality and NGO representatives and heard of it from
television and the press.

The rows come from a seeded random generator, so every run writes the same bytes; the script
checks the counts above before writing. The community list comes from build_xlsform, so this
needs what that needs (Django and openpyxl); no network.
"""

import csv
import datetime as dt
import io
import random
import sys
import uuid
from collections import Counter
from pathlib import Path

from build_xlsform import community_choices

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "local-2022-responses-SYNTHETIC.csv"
NOTE = "SYNTHETIC demo data — not real answers"
SEED = 20220327
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ogmonitor:demo:local-2022:synthetic")

#: Respondents per group (the categories' codes) and how many of them are women: 65 and 7.
CATEGORIES = {"municipality": 17, "excom": 12, "community_council": 20, "ngo": 8, "entrepreneur": 8}
WOMEN = {"municipality": 2, "community_council": 3, "ngo": 1, "entrepreneur": 1}
CHANNELS = {"face_to_face": 30, "online_meeting": 20, "web_form": 15}
#: Index, within its district, of the community with a payment terminal (demo assumption).
TERMINAL_INDEX = 0
FIELDWORK = (dt.date(2022, 3, 28), dt.date(2022, 5, 20))
HOLIDAYS = {dt.date(2022, 5, 9)}  # Victory Day

#: How likely each group is to give the "knowing" answer, relative to the others.
AWARE_WEIGHT = {
    "excom": 8,
    "municipality": 4,
    "ngo": 6,
    "community_council": 1,
    "entrepreneur": 0.5,
}
PARTLY_WEIGHT = {"excom": 3, "municipality": 3, "ngo": 3, "community_council": 2, "entrepreneur": 1}
ESERVICES_WEIGHT = {
    "entrepreneur": 4,
    "ngo": 3,
    "municipality": 2,
    "excom": 2,
    "community_council": 1.5,
}
COUNCILS_WEIGHT = {
    "community_council": 6,
    "excom": 3,
    "municipality": 2,
    "ngo": 2,
    "entrepreneur": 1,
}
CBO_WEIGHT = {"community_council": 5, "ngo": 5, "excom": 3, "municipality": 3, "entrepreneur": 1}
REPORTS_WEIGHT = {
    "municipality": 5,
    "excom": 3,
    "community_council": 2,
    "ngo": 1.5,
    "entrepreneur": 1,
}
#: Chance of naming each source of information (at least one is named; TV when none was drawn).
SOURCE_CHANCE = {"tv": 0.8, "press": 0.55, "internet": 0.2, "social_media": 0.15, "meeting": 0.1}

QUESTIONS = [
    "nap_aware",
    "nap_info_source",
    "eservices_use",
    "terminal_in_community",
    "portal_aware",
    "mobile_interface_use",
    "dialogue_platform_aware",
    "community_councils_aware",
    "cbo_familiar",
    "municipal_reports",
]
PROFILE = ["category", "gender", "community", "channel", "interview_date"]
HEADERS = [
    "synthetic_note",
    *(f"profile/{name}" for name in PROFILE),
    *QUESTIONS,
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
]

#: question → {choice: count} the file must hold (a missing answer counts under "").
EXPECTED = {
    "nap_aware": {"yes": 15, "partly": 18, "no": 32},
    "eservices_use": {"yes": 39, "no": 26},
    "portal_aware": {"yes": 10, "no": 55},
    "mobile_interface_use": {"yes": 31, "no": 34},
    "dialogue_platform_aware": {"yes": 2, "partly": 23, "no": 40},
    "community_councils_aware": {"yes": 34, "no": 30, "": 1},
    "cbo_familiar": {"yes": 54, "no": 11},
    "municipal_reports": {"yes": 46, "no": 12, "dont_know": 6, "": 1},
}


def pick(rng: random.Random, people: list[dict], count: int, weight) -> list[dict]:
    """``count`` of ``people`` drawn without replacement, each in proportion to ``weight(person)``.

    Efraimidis and Spirakis' method: the largest ``u ** (1 / weight)`` win, ``u`` uniform.
    """
    ranked = sorted(people, key=lambda person: rng.random() ** (1 / weight(person)), reverse=True)
    return ranked[:count]


def answer(rng, people, question, counts: dict[str, int], weight=None) -> None:
    """Give ``counts[choice]`` of those not yet asked ``question`` that answer, the first choice first.

    A choice of "" leaves the answer blank. ``weight`` makes some respondents likelier to be drawn.
    """
    left = [person for person in people if question not in person]
    for choice, count in counts.items():
        for person in pick(rng, left, count, weight or (lambda person: 1)):
            person[question] = choice
        left = [person for person in left if question not in person]


def by(weights: dict, boost=None):
    """A weight by the respondent's group, times ``boost(person)`` when given."""
    return lambda person: weights[person["category"]] * (boost(person) if boost else 1)


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = (start + dt.timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in HOLIDAYS]


def respondents(rng: random.Random) -> list[dict]:
    """The 65 respondents with their profile: one ExCom representative, municipality and council
    member in each community, the rest spread at random (NGOs and entrepreneurs two per district)."""
    districts = study_districts()
    slugs = [slug for district in districts for slug in district]
    people = []
    for category in ("excom", "municipality", "community_council"):
        extra = CATEGORIES[category] - len(slugs)
        places = slugs + rng.sample(slugs, extra)
        people += [{"category": category, "community": slug} for slug in places]
    for category in ("ngo", "entrepreneur"):
        per_district = CATEGORIES[category] // len(districts)
        for district in districts:
            people += [
                {"category": category, "community": rng.choice(district)}
                for _ in range(per_district)
            ]
    for category, count in WOMEN.items():
        for person in rng.sample([p for p in people if p["category"] == category], count):
            person["gender"] = "woman"
    for person in people:
        person.setdefault("gender", "man")
    channels = [channel for channel, count in CHANNELS.items() for _ in range(count)]
    rng.shuffle(channels)
    # One visit day per community, one Zoom meeting per district, web forms any working day.
    days = weekdays(*FIELDWORK)
    visits = dict(zip(slugs, sorted(rng.sample(days, len(slugs))), strict=True))
    meetings = {
        slug: day
        for district, day in zip(districts, sorted(rng.sample(days, len(districts))), strict=True)
        for slug in district
    }
    for person, channel in zip(people, channels, strict=True):
        person["channel"] = channel
        day_of = {"face_to_face": visits, "online_meeting": meetings}.get(channel, {})
        person["interview_date"] = day_of.get(person["community"]) or rng.choice(days)
        person["_submission_time"] = dt.datetime.combine(
            person["interview_date"],
            dt.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59)),
            tzinfo=dt.timezone(dt.timedelta(hours=4)),
        )
    return people


def answers(rng: random.Random, people: list[dict]) -> None:
    """Fill in the questions so that EXPECTED holds."""
    knows_plan = {"yes": 6, "partly": 2, "no": 0.3}
    answer(rng, people, "nap_aware", {"yes": 15}, by(AWARE_WEIGHT))
    answer(rng, people, "nap_aware", {"partly": 18, "no": 32}, by(PARTLY_WEIGHT))
    for person in people:
        if person["nap_aware"] != "no":
            sources = [source for source, chance in SOURCE_CHANCE.items() if rng.random() < chance]
            person["nap_info_source"] = " ".join(sources or ["tv"])
    answer(
        rng,
        people,
        "eservices_use",
        {"yes": 39, "no": 26},
        by(ESERVICES_WEIGHT, lambda p: 1.5 if p["nap_aware"] != "no" else 1),
    )
    # Those using the mobile interface are among the e-service users.
    users = [person for person in people if person["eservices_use"] == "yes"]
    answer(rng, users, "mobile_interface_use", {"yes": 31, "no": 8})
    answer(rng, people, "mobile_interface_use", {"no": 26})
    answer(rng, people, "portal_aware", {"yes": 10, "no": 55}, lambda p: knows_plan[p["nap_aware"]])
    answer(
        rng,
        people,
        "dialogue_platform_aware",
        {"yes": 2},
        lambda p: (10 if p["category"] == "ngo" else 1) * knows_plan[p["nap_aware"]],
    )
    answer(
        rng,
        people,
        "dialogue_platform_aware",
        {"partly": 23, "no": 40},
        lambda p: knows_plan[p["nap_aware"]],
    )
    answer(rng, people, "community_councils_aware", {"": 1})
    answer(rng, people, "community_councils_aware", {"yes": 34, "no": 30}, by(COUNCILS_WEIGHT))
    answer(rng, people, "cbo_familiar", {"yes": 54, "no": 11}, by(CBO_WEIGHT))
    # Not the one who left the councils question blank.
    others = [person for person in people if person["community_councils_aware"] != ""]
    answer(rng, others, "municipal_reports", {"": 1})
    answer(rng, people, "municipal_reports", {"yes": 46}, by(REPORTS_WEIGHT))
    answer(
        rng,
        people,
        "municipal_reports",
        {"dont_know": 6, "no": 12},
        lambda p: 3 if p["category"] == "entrepreneur" else 1,
    )
    with_terminal = {district[TERMINAL_INDEX] for district in study_districts()}
    for person in people:
        person["terminal_in_community"] = "yes" if person["community"] in with_terminal else "no"


def study_districts() -> list[list[str]]:
    """The community slugs of each district, in the order of studies.json (three per district)."""
    slugs = [slug for slug, _az, _en in community_choices()]
    return [slugs[start : start + 3] for start in range(0, len(slugs), 3)]


def check(people: list[dict]) -> None:
    """The counts the seed publishes, and the seed's statements about who knew what."""
    assert len(people) == 65
    assert Counter(person["category"] for person in people) == Counter(CATEGORIES)
    assert Counter(person["gender"] for person in people) == {"woman": 7, "man": 58}
    assert len({person["community"] for person in people}) == 12
    assert Counter(person["channel"] for person in people) == Counter(CHANNELS)
    for question, counts in EXPECTED.items():
        assert Counter(person[question] for person in people) == Counter(counts), question
    terminals = {
        person["community"] for person in people if person["terminal_in_community"] == "yes"
    }
    assert len(terminals) == 4
    aware = [person for person in people if person["nap_aware"] == "yes"]
    assert sum(person["category"] in {"excom", "municipality", "ngo"} for person in aware) >= 12
    sources = Counter(
        source for person in people for source in person.get("nap_info_source", "").split()
    )
    assert [source for source, _count in sources.most_common(2)] == ["tv", "press"]


def build() -> bytes:
    """The CSV as UTF-8 bytes, identical on every run."""
    rng = random.Random(SEED)
    people = respondents(rng)
    answers(rng, people)
    check(people)
    people.sort(key=lambda person: person["_submission_time"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    for number, person in enumerate(people, start=1):
        row = {
            **person,
            "synthetic_note": NOTE,
            "interview_date": person["interview_date"].isoformat(),
            "_id": number,
            "_uuid": uuid.uuid5(UUID_NAMESPACE, f"respondent-{number}"),
            "_submission_time": person["_submission_time"].isoformat(),
            "_index": number,
        }
        writer.writerow([row.get(header.removeprefix("profile/"), "") for header in HEADERS])
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    output.write_bytes(build())
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv)
