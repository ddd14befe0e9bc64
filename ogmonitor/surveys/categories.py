"""The standard respondent categories of the seed studies (coordinators can add more in the admin).

Migration ``surveys/0002`` creates them in every new database; :func:`ensure_standard_categories`
puts back any that are missing (the demo loader calls it, so a database emptied by hand, or by
a test, still loads the demo).
"""

CATEGORIES = [
    ("municipality", "Bələdiyyə sədri və ya üzvü", "Municipality head or member"),
    ("excom", "İcra hakimiyyəti başçısının ərazi nümayəndəsi və ya müavini",
     "Executive-committee territorial representative or deputy"),
    ("community_council", "İcma İnkişaf Şurasının koordinatoru və ya üzvü",
     "Community development council coordinator or member"),
    ("ngo", "Yerli QHT nümayəndəsi", "Local NGO representative"),
    ("entrepreneur", "Sahibkar və ya fermer", "Entrepreneur or farmer"),
    ("other", "Digər", "Other"),
]


def ensure_standard_categories(category_model=None) -> None:
    """Create the standard categories that do not exist; existing ones are left as edited."""
    if category_model is None:
        from .models import RespondentCategory as category_model
    for position, (code, name_az, name_en) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name_az, "name_az": name_az, "name_en": name_en, "position": position}
        )
