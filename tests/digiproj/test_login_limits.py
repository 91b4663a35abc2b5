"""Login limits count failures per account and address, never logins: a class or a whole
municipality behind one NAT address logs in at once, and nobody's typos or an attacker's
guesses lock the others (or the owner at their usual address) out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAT = "10.1.2.3"
PASSWORD = "secret-Passw0rd"
ACCOUNT_LIMITED = "För många misslyckade inloggningar på det här kontot"
ADDRESS_LIMITED = "För många misslyckade inloggningar från din nätverksadress"


def login(email: str, password: str = PASSWORD, *, address: str = NAT):
    """One login attempt from a fresh browser at `address`."""
    return Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )


def assert_logged_in(response) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]


def test_31_correct_logins_from_one_address_within_a_minute_all_succeed():
    users = [UserFactory() for _ in range(31)]
    for user in users:
        assert_logged_in(login(user.email))


def test_ten_failures_for_one_account_do_not_block_another_account_at_that_address():
    victim, colleague = UserFactory(), UserFactory()
    for _ in range(10):
        assert login(victim.email, "fel").status_code == 200
    assert_logged_in(login(colleague.email))
    # And the account itself is not locked elsewhere: its owner gets in from home.
    assert_logged_in(login(victim.email, address="192.0.2.50"))


def test_after_five_failures_the_account_is_limited_at_that_address_with_a_message():
    user = UserFactory()
    for _ in range(5):
        response = login(user.email, "fel")
        assert ACCOUNT_LIMITED not in response.content.decode()
    # Even the right password: a guesser must not learn that it was right.
    response = login(user.email)
    assert response.status_code == 200
    assert ACCOUNT_LIMITED in response.content.decode()


def test_guesses_from_many_addresses_do_not_lock_the_owner_out_at_a_familiar_address():
    owner = UserFactory()
    assert_logged_in(login(owner.email, address="10.0.0.7"))  # the owner's usual address
    for n in range(20):  # a guesser spread over many addresses, under each one's limit
        login(owner.email, "fel", address=f"198.51.100.{n}")
    response = login(owner.email, address="203.0.113.9")  # a new address: limited
    assert ACCOUNT_LIMITED in response.content.decode()
    assert_logged_in(login(owner.email, address="10.0.0.7"))


def test_one_address_trying_many_accounts_is_limited_but_regulars_get_in():
    regular = UserFactory()
    assert_logged_in(login(regular.email))
    newcomer = UserFactory()
    for n in range(50):  # password spraying: one wrong guess each for many accounts
        login(f"gissning{n}@example.test", "Sommar2024")
    response = login(newcomer.email)
    assert response.status_code == 200
    assert ADDRESS_LIMITED in response.content.decode()
    assert_logged_in(login(regular.email))


def test_a_right_password_gives_back_what_it_spent_and_clears_earlier_typos():
    user = UserFactory()
    for _ in range(4):
        login(user.email, "fel")
    assert_logged_in(login(user.email))
    for _ in range(4):  # four more typos are allowed again: the success cleared the first
        login(user.email, "fel")
    assert_logged_in(login(user.email))
