"""One Role enum, and no role compared as a string outside the permission module: code and
templates ask the ProjectAccess (is_contact, organisation_scope, organisation_q, ...)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from digiproj.projects import models, permissions
from digiproj.projects.forms import MembershipForm
from digiproj.projects.models import Membership, Role
from digiproj.projects.permissions import ProjectAccess
from tests.factories import OrganisationFactory, ProjectFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS = ("digiproj", "participants", "surveys", "activities", "goals", "reporting")
PERMISSION_MODULE = BASE_DIR / "digiproj" / "projects" / "permissions.py"
ROLE_VALUES = {role.value for role in Role}


def _sources() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (BASE_DIR / app).rglob("*.py")
        if "migrations" not in path.parts and path != PERMISSION_MODULE
    ]


def _is_role_value(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in ROLE_VALUES
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_is_role_value(e) for e in node.elts)
    return False


def _is_role(node: ast.AST) -> bool:
    """`role`, `x.role`, `x.my_role`, `row["role"]`, `data.get("role")`."""
    if isinstance(node, ast.Name):
        return node.id.endswith("role")
    if isinstance(node, ast.Attribute):
        return node.attr.endswith("role")
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "role"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "get" and any(
            isinstance(a, ast.Constant) and a.value == "role" for a in node.args
        )
    return False


def _role_strings(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(map(_is_role, operands)) and any(map(_is_role_value, operands)):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg and re.search(r"role(__in)?$", node.arg):
            if _is_role_value(node.value):
                lines.append(node.value.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "role" and _is_role_value(value):
                    lines.append(value.lineno)
    return lines


def test_no_role_string_literals_in_python_outside_the_permission_module():
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{line}"
        for path in _sources()
        for line in _role_strings(ast.parse(path.read_text()))
    ]
    assert offenders == [], "compare with Role members or ask the ProjectAccess"


def test_the_check_catches_each_shape_of_a_role_string():
    """The detector itself, on the shapes that were in the code before."""
    for source in (
        'org = access.organisation_id if access.role == "contact" else None',
        'if access.role != "contact": pass',
        'User.objects.filter(memberships__role="coordinator")',
        'Q(role__in=["teacher", "coordinator"])',
        'Membership.objects.create(**{"role": "contact"})',
        'if data.get("role") == "contact": pass',
    ):
        assert _role_strings(ast.parse(source)), source
    assert not _role_strings(ast.parse('if done == "contact": pass'))  # not a role
    assert not _role_strings(ast.parse("if access.role == Role.CONTACT: pass"))


def test_no_role_compares_in_templates():
    pattern = re.compile(r"role\s*(==|!=|in)\s*['\"]")
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path in (BASE_DIR / "templates").rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert offenders == [], "use access.is_contact / is_teacher / is_participant"


def test_there_is_one_role_enum():
    assert permissions.Role is models.Role is Membership.Role
    definitions = [
        f"{path.relative_to(BASE_DIR)}:{node.lineno}"
        for path in [*_sources(), PERMISSION_MODULE]
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(c, ast.Constant) and c.value == Role.CONTACT.value for c in ast.walk(node)
        )
        and node.name == "Role"
    ]
    assert len(definitions) == 1, definitions
    assert definitions[0].startswith("digiproj/projects/models.py:")


@pytest.mark.django_db
def test_memberships_offer_only_the_staff_roles():
    staff = [Role.COORDINATOR.value, Role.CONTACT.value, Role.TEACHER.value]
    assert [v for v, _label in Membership._meta.get_field("role").choices] == staff
    form = MembershipForm(project=ProjectFactory())
    assert [v for v, _label in form.fields["role"].choices] == staff


@pytest.mark.parametrize(
    ("role", "contact", "teacher", "participant", "scope"),
    [
        (Role.ADMIN, False, False, False, None),
        (Role.COORDINATOR, False, False, False, None),
        (Role.CONTACT, True, False, False, (7,)),
        (Role.TEACHER, False, True, False, None),
        (Role.PARTICIPANT, False, False, True, None),
    ],
)
def test_access_answers_the_role_questions(role, contact, teacher, participant, scope):
    access = ProjectAccess(
        project=ProjectFactory.build(), role=role, user_id=1, organisation_ids=(7,)
    )
    assert (access.is_contact, access.is_teacher, access.is_participant) == (
        contact,
        teacher,
        participant,
    )
    assert access.organisation_scope == scope


@pytest.mark.django_db
def test_as_contact_of_narrows_a_coordinator_to_one_organisation():
    org = OrganisationFactory()
    coordinator = ProjectAccess(project=ProjectFactory(), role=Role.COORDINATOR, user_id=1)
    narrowed = coordinator.as_contact_of(org.pk)
    assert narrowed.is_contact
    assert narrowed.organisation_scope == (org.pk,)
    assert narrowed.organisation_q() == models.Q(organisation_id=org.pk)
    assert coordinator.organisation_scope is None  # the original is untouched
