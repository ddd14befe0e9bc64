"""A study collecting data in two communities, its questionnaire, and an enumerator assigned to
the first community only: the setting of the entry, submission and resend tests."""

import pytest

from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, StudyMemberFactory
from ogmonitor.surveys.models import StudyMember


@pytest.fixture
def study(ngo_a, two_communities):
    return StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")


@pytest.fixture
def questionnaire(study):
    return QuestionnaireFactory(study=study)


@pytest.fixture
def assigned(study, enumerator, two_communities):
    """The enumerator, assigned for this study to its first community only."""
    StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=[two_communities[0]])
    return enumerator
