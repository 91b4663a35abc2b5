"""`check --deploy` refuses an installation that would mail links to the wrong place."""

from __future__ import annotations

import pytest
from django.core import checks

from digiproj.checks import check_base_url


def _ids(settings, **values):
    for name, value in values.items():
        setattr(settings, name, value)
    return [message.id for message in check_base_url()]


def test_unset_base_url_fails_the_deploy_check(settings):
    assert _ids(settings, DIGIPROJ_BASE_URL_GIVEN=False) == ["digiproj.E002"]
    deploy = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "digiproj.E002" in [message.id for message in deploy]
    # Not a deploy check run: `make run` on a laptop is not refused.
    assert "digiproj.E002" not in [message.id for message in checks.run_checks()]


@pytest.mark.parametrize(
    ("url", "hosts", "expected"),
    [
        ("http://digiproj.kommun.se", ["digiproj.kommun.se"], ["digiproj.E003"]),
        ("digiproj.kommun.se", ["digiproj.kommun.se"], ["digiproj.E003"]),
        ("https://digiproj.kommun.se", ["annan.kommun.se"], ["digiproj.E004"]),
        ("https://digiproj.kommun.se", [".kommun.se"], []),
        ("https://digiproj.kommun.se/", ["digiproj.kommun.se"], []),
    ],
)
def test_base_url_must_be_https_to_a_served_host(settings, url, hosts, expected):
    assert (
        _ids(settings, DIGIPROJ_BASE_URL_GIVEN=True, DIGIPROJ_BASE_URL=url, ALLOWED_HOSTS=hosts)
        == expected
    )
