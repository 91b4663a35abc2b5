from __future__ import annotations

import pytest

from digiproj.sqlite import unicode_like
from participants.models import Participation
from tests.factories import ParticipationFactory


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "expected"),
    [
        ("%öberg%", "Öberg", "\\", True),
        ("%ÅSA%", "åsa", "\\", True),
        ("a\\%b", "a%b", "\\", True),
        ("a\\%b", "axb", "\\", False),
        ("a_c", "abc", None, True),
        ("%x%", None, None, None),
    ],
)
def test_unicode_like(pattern, value, escape, expected):
    assert unicode_like(pattern, value, escape) is expected


@pytest.mark.django_db
def test_search_is_case_insensitive_for_swedish_letters():
    participation = ParticipationFactory(last_name="Öberg")
    assert list(Participation.objects.filter(last_name__icontains="öBERG")) == [participation]
