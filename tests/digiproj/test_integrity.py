"""digiproj.integrity: a lost unique-constraint race becomes the first-come message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from activities.models import Enrolment
from digiproj.integrity import unique_or_message
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_the_named_constraint_becomes_the_message_and_the_transaction_goes_on():
    first = EnrolmentFactory()
    with (
        pytest.raises(ValidationError, match="redan anmäld"),
        unique_or_message(Enrolment, "uniq_live_enrolment", "redan anmäld"),
    ):
        Enrolment.objects.create(
            session=first.session, participation=first.participation, status="enrolled"
        )
    assert Enrolment.objects.count() == 1  # the savepoint kept the outer transaction usable


def test_another_constraint_is_not_hidden():
    first = EnrolmentFactory()
    with (
        pytest.raises(IntegrityError),
        unique_or_message(Enrolment, "uniq_live_enrolment", "redan anmäld"),
    ):
        Enrolment.objects.filter(pk=first.pk).update(status="waiting")  # check constraint


def test_a_misspelt_constraint_name_fails_loudly():
    first = EnrolmentFactory()
    with pytest.raises(LookupError), unique_or_message(Enrolment, "uniq_nothing", "x"):
        Enrolment.objects.create(
            session=first.session, participation=first.participation, status="enrolled"
        )
