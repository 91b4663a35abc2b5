"""Content-Security-Policy (django-csp): no inline script or style anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digiproj.projects.templatetags.bars import bar_width
from tests.factories import UserFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/tillganglighet/", "/healthz"])
def test_every_page_gets_a_policy_with_scripts_and_styles_only_from_the_site(client, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


@pytest.mark.django_db
def test_logged_in_pages_get_the_policy(client):
    client.force_login(UserFactory())
    assert _policy(client.get("/"))["script-src"] == "'self'"


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",  # an inline script block
            r"\son[a-z]+\s*=",  # onclick=, onload=, …
            r"\sstyle\s*=",  # a style attribute
            r"<style",  # a style block
            r"javascript:",
        ):
            found += [f"{template.relative_to(TEMPLATES)}: {m}" for m in re.findall(pattern, text)]
    assert found == []


@pytest.mark.parametrize(
    ("percent", "css_class"),
    [(0, "w-0"), (33.3, "w-33"), (49.5, "w-50"), ("66.7", "w-67"), (100, "w-100"), (140, "w-100")],
)
def test_bar_width_is_a_whole_percent_class(percent, css_class):
    assert bar_width(percent) == css_class


def test_bar_width_of_nothing_is_an_empty_bar():
    assert bar_width(None) == "w-0"
    assert bar_width(-5) == "w-0"


def test_stylesheet_has_a_class_for_every_bar_width():
    css = (TEMPLATES.parent / "static" / "css" / "digiproj.css").read_text()
    assert all(f".w-{n} {{ width: {n}%; }}" in css for n in range(101))
