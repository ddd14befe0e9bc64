"""Demo places: all ISO 3166-2:AZ districts, the study communities and the organisations in them."""

import pycountry
from django.db import transaction
from django.utils.text import slugify

from ogmonitor.lib import aztext
from ogmonitor.places.models import Community, District, Organization

from .common import DemoDataError, format_translated, read_json, translated

#: pycountry's subdivision types → District.Kind; a type we do not know fails loudly, since a
#: new iso-codes release could otherwise slip districts in under the wrong kind.
DISTRICT_KINDS = {
    "Rayon": District.Kind.RAYON,
    "Municipality": District.Kind.CITY,
    "Autonomous republic": District.Kind.AUTONOMOUS_REPUBLIC,
}


@transaction.atomic
def load_places() -> None:
    """Districts, the real organisations the seeds name, and each study's communities."""
    load_districts()
    load_organizations()
    for study in read_json("studies.json")["studies"]:
        load_study(study)


def load_districts() -> None:
    """All 78 first-level subdivisions, from pycountry rather than typed by hand."""
    # Parents first: the autonomous republic must exist before its rayons point at it.
    subdivisions = sorted(
        pycountry.subdivisions.get(country_code="AZ"),
        key=lambda sub: (sub.parent_code is not None, sub.code),
    )
    districts: dict[str, District] = {}
    for sub in subdivisions:
        if sub.type not in DISTRICT_KINDS:
            raise DemoDataError(f"{sub.code}: unknown subdivision type {sub.type!r}")
        name = aztext.normalize(sub.name)  # pycountry spells Kəngərli with the look-alike 'ǝ'
        districts[sub.code], _created = District.objects.update_or_create(
            code=sub.code,
            defaults={
                "name_az": name,
                "name_en": aztext.to_english(name),
                "kind": DISTRICT_KINDS[sub.type],
                "parent": districts[sub.parent_code] if sub.parent_code else None,
            },
        )


def load_organizations() -> None:
    """The real organisations named in the seeds (organizations.json), keyed on their slugs."""
    for entry in read_json("organizations.json")["organizations"]:
        save_organization(
            entry["slug"],
            type=entry["type"],
            name=entry["name"],
            short_name=entry.get("short_name", ""),
            website=entry.get("website", ""),
            is_demo=False,
        )


def load_study(study: dict) -> None:
    """One field study: its districts' organisations, its communities and theirs."""
    for entry in study["districts"]:
        district = study_district(entry)
        names = {"district_az": district.name_az, "district_en": district.name_en}
        for template in study["district_organizations"]:
            save_organization(
                f"{slugify(district.name_en)}-{template['key']}",
                type=template["type"],
                name=format_translated(template["name"], **names),
                district=district,
                is_demo=template["is_demo"],
            )
        for community_entry in entry["communities"]:
            community = save_community(district, community_entry)
            community_names = {
                **names,
                "community_az": community.name_az,
                "community_en": community.name_en,
            }
            for template in study["community_organizations"]:
                # Every organisation of an invented community is invented too.
                save_organization(
                    f"{community.slug}-{template['key']}",
                    type=template["type"],
                    name=format_translated(template["name"], **community_names),
                    community=community,
                    district=district,
                    is_demo=True,
                )


def study_district(entry: dict) -> District:
    """The district a study names, checked against pycountry's code and name."""
    try:
        district = District.objects.get(code=entry["code"])
    except District.DoesNotExist:
        raise DemoDataError(
            f"{entry['code']} is not an ISO 3166-2:AZ code known to pycountry"
        ) from None
    expected = translated("name", entry["name"])
    actual = {field: getattr(district, field) for field in expected}
    if actual != expected:
        raise DemoDataError(f"{district.code} is {actual}, studies.json expects {expected}")
    return district


def save_community(district: District, entry: dict) -> Community:
    """A study community, keyed on its district and Azerbaijani name (the model's unique pair).

    The slug comes from the English name ('guba-demo-community-1'): the Azerbaijani one would
    repeat the district ('quba-quba-numune-icmasi-1').
    """
    names = translated("name", entry["name"])
    community, _created = Community.objects.update_or_create(
        district=district,
        name_az=names["name_az"],
        defaults={
            "name_en": names["name_en"],
            "slug": slugify(names["name_en"]),
            "is_demo": entry.get("is_demo", True),
        },
    )
    return community


def save_organization(slug: str, *, type: str, name: dict, **fields) -> Organization:
    """Create or update the organisation with ``slug``; ``name`` is ``{"az": …, "en": …}``."""
    if type not in Organization.Type.values:
        raise DemoDataError(f"{slug}: unknown organisation type {type!r}")
    organization, _created = Organization.objects.update_or_create(
        slug=slug, defaults={"type": type, **translated("name", name), **fields}
    )
    return organization
