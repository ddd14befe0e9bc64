"""Two studies, one of NGO A and one of NGO B, each with a submission entered by its coordinator."""

import pytest

from ogmonitor.surveys.factories import StudyFactory

from .world import submit


@pytest.fixture
def study_a(ngo_a, two_communities):
    return StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")


@pytest.fixture
def study_b(ngo_b, two_communities):
    return StudyFactory(organization=ngo_b, communities=two_communities, status="collecting")


@pytest.fixture
def submission_a(study_a, coordinator, two_communities):
    return submit(study_a, coordinator, two_communities[0])


@pytest.fixture
def submission_b(study_b, coordinator_b, two_communities):
    return submit(study_b, coordinator_b, two_communities[0])
