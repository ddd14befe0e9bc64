"""Test data for the engagement app."""

import datetime as dt

import factory

from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.places.models import Organization

from .models import (
    DialoguePlatform,
    Event,
    Membership,
    ParticipantCount,
    Participation,
    Person,
    Proposal,
    VoteEvent,
)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    type = Event.Type.WORKSHOP
    title_az = factory.Sequence(lambda n: f"Seminar {n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    date = dt.date(2022, 10, 1)
    is_published = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Şəxs {n}")
    gender = "woman"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)


class ParticipantCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantCount

    event = factory.SubFactory(EventFactory)
    gender = "man"
    count = 5


class AuthorityFactory(OrganizationFactory):
    type = Organization.Type.LOCAL_EXECUTIVE
    name_az = factory.Sequence(lambda n: f"İcra hakimiyyəti {n}")
    name_en = factory.Sequence(lambda n: f"Executive authority {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    text_az = factory.Sequence(lambda n: f"Təklif {n}: kənddə ödəniş terminalı quraşdırılsın")
    text_en = factory.Sequence(lambda n: f"Proposal {n}: install a payment terminal in the village")
    addressee = factory.SubFactory(AuthorityFactory)
    is_published = True


class DialoguePlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialoguePlatform

    name_az = factory.Sequence(lambda n: f"Dialoq Platforması {n}")
    name_en = factory.Sequence(lambda n: f"Dialogue Platform {n}")
    is_published = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    platform = factory.SubFactory(DialoguePlatformFactory)
    organization = factory.SubFactory(OrganizationFactory)


class VoteEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteEvent

    platform = factory.SubFactory(DialoguePlatformFactory)
    date = dt.date(2017, 5, 19)
    motion_az = "Daxili qaydaların qəbulu"
    motion_en = "Adopt the rules of procedure"
    yes = 20
