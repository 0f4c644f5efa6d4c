"""Lockout by account AND address, a ceiling per address, and no address picked by a header.

The attacker sits in the hall at ``HALL`` and knows the office's account name; the office
works at ``OFFICE`` (docs/security.md, "Sign-in"). Every attempt goes through the real sign-in
form or the API's HTTP Basic, the two ways a password is tried.
"""

from __future__ import annotations

import base64

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.test import Client, RequestFactory
from django.urls import reverse

from pingyi.accounts.lockout import client_address
from tests.accounts.factories import STRONG_PASSWORD

LOGIN = "/accounts/login/"
WRONG = "Wrong-Password-1"
HALL = "192.0.2.66"
OFFICE = "198.51.100.10"
PROXY = "127.0.0.1"
LIMIT = 5
ADDRESS_LIMIT = 30


def form(username: str, password: str, address: str, **headers: str):
    return Client().post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def api(username: str, password: str, address: str, **headers: str):
    """An office-only API read over HTTP Basic (no session, no CSRF token)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client().get(
        reverse("api:get_counts", kwargs={"key": "no-such-event"}),
        REMOTE_ADDR=address,
        HTTP_AUTHORIZATION=f"Basic {token}",
        **headers,
    )


def locked(response) -> bool:
    return response.status_code == 429


def signed_in_by_form(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("core:home")


def signed_in_by_basic(response) -> bool:
    # authenticated: the view ran (the event does not exist); 401 wrong, 429 locked
    return response.status_code == 404


@pytest.fixture
def office(make_user):
    return make_user("office-wang", "office")


@pytest.fixture
def liaison(make_user, two_units):
    return make_user("li", "unit", two_units[0])


def test_settings_are_the_documented_policy() -> None:
    assert django_settings.AXES_FAILURE_LIMIT == LIMIT
    assert django_settings.PINGYI_LOGIN_ADDRESS_FAILURE_LIMIT == ADDRESS_LIMIT
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], ["ip_address"]]
    assert django_settings.PINGYI_TRUSTED_PROXIES == []
    assert "axes.W006" not in django_settings.SILENCED_SYSTEM_CHECKS


@pytest.mark.parametrize("attack", [form, api], ids=["form", "basic"])
def test_the_hall_cannot_lock_the_office_out(office, attack) -> None:
    for attempt in range(LIMIT - 1):
        assert not locked(attack(office.username, WRONG, HALL)), attempt
    assert locked(attack(office.username, WRONG, HALL))
    # The office, at its own machine, signs in over the form and over Basic.
    assert signed_in_by_form(form(office.username, STRONG_PASSWORD, OFFICE))
    assert signed_in_by_basic(api(office.username, STRONG_PASSWORD, OFFICE))
    # Guessing from the hall stays locked, even with the right password, both ways.
    assert locked(form(office.username, STRONG_PASSWORD, HALL))
    assert locked(api(office.username, STRONG_PASSWORD, HALL))
    # The office's own success does not unlock the hall.
    assert locked(form(office.username, WRONG, HALL))


def test_office_typos_still_lock_the_office_machine(office) -> None:
    """The protection against guessing is kept for every address, the office's included."""
    for _ in range(LIMIT):
        form(office.username, WRONG, OFFICE)
    assert locked(form(office.username, STRONG_PASSWORD, OFFICE))
    assert signed_in_by_form(form(office.username, STRONG_PASSWORD, "203.0.113.7"))


def test_guessing_many_accounts_from_one_address_is_capped(office, liaison) -> None:
    """Four guesses on each of many account names stay under the per-account limit, but
    the address as a whole is locked at its own limit, for every account."""
    names = [f"guess-{n}" for n in range(ADDRESS_LIMIT)]
    failures = 0
    for name in names:
        for _ in range(LIMIT - 1):
            if failures == ADDRESS_LIMIT - 1:
                break
            assert not locked(form(name, WRONG, HALL)), failures
            failures += 1
    # 29 failures: one short of the address limit; a real account still signs in from here.
    assert signed_in_by_basic(api(office.username, STRONG_PASSWORD, HALL))
    assert locked(form("guess-last", WRONG, HALL))  # the 30th
    assert locked(form(liaison.username, STRONG_PASSWORD, HALL))
    assert locked(api(office.username, STRONG_PASSWORD, HALL))
    # Elsewhere nothing changed.
    assert signed_in_by_form(form(liaison.username, STRONG_PASSWORD, OFFICE))


def test_signing_in_to_ones_own_account_does_not_reset_the_address(liaison) -> None:
    """An attacker with an account of his own cannot wipe his guesses by signing in."""
    for n in range(ADDRESS_LIMIT - 1):
        form(f"guess-{n}", WRONG, HALL)
    assert signed_in_by_form(form(liaison.username, STRONG_PASSWORD, HALL))
    assert locked(form("guess-last", WRONG, HALL))


def test_a_right_password_resets_that_accounts_count_from_that_address(office) -> None:
    for _ in range(LIMIT - 1):
        form(office.username, WRONG, OFFICE)
    assert signed_in_by_form(form(office.username, STRONG_PASSWORD, OFFICE))
    for attempt in range(LIMIT - 1):
        assert not locked(form(office.username, WRONG, OFFICE)), attempt


@pytest.mark.parametrize("attack", [form, api], ids=["form", "basic"])
def test_a_spoofed_forwarded_for_picks_no_address(office, attack) -> None:
    """Without a trusted proxy, X-Forwarded-For is ignored: naming the office's address
    neither locks the office nor escapes the attacker's own lock."""
    for n in range(LIMIT):
        attack(office.username, WRONG, HALL, HTTP_X_FORWARDED_FOR=OFFICE)
    assert signed_in_by_form(form(office.username, STRONG_PASSWORD, OFFICE))
    # A fresh made-up address on every try does not reset the count either.
    for n in range(3):
        response = attack(
            office.username, STRONG_PASSWORD, HALL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
        assert locked(response), n


def test_behind_a_trusted_proxy_the_address_it_saw_counts(office, settings) -> None:
    """nginx appends the address it got the request from; what the client wrote is left of it."""
    settings.PINGYI_TRUSTED_PROXIES = [PROXY]
    for _ in range(LIMIT):
        form(office.username, WRONG, PROXY, HTTP_X_FORWARDED_FOR=f"{OFFICE}, {HALL}")
    assert locked(form(office.username, STRONG_PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=HALL))
    # The office, through the same proxy, is not locked by the hall's forged "OFFICE, ...".
    assert signed_in_by_form(
        form(office.username, STRONG_PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=OFFICE)
    )
    # A client that reaches the server directly (not through the proxy) picks nothing.
    assert locked(form(office.username, STRONG_PASSWORD, HALL, HTTP_X_FORWARDED_FOR="203.0.113.9"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (HALL, OFFICE, [], HALL),  # no proxy configured: the header is ignored
        (PROXY, OFFICE, [], PROXY),
        (PROXY, f"{OFFICE}, {HALL}", [PROXY], HALL),  # right-most untrusted
        (PROXY, f"{HALL}, 10.0.0.2", [PROXY, "10.0.0.0/8"], HALL),  # two proxies in a row
        (PROXY, "junk, " + HALL, [PROXY], HALL),
        (PROXY, HALL + ", junk", [PROXY], PROXY),  # nothing our proxy vouches for
        (PROXY, "", [PROXY], PROXY),
        ("::ffff:192.0.2.66", "", [], HALL),  # IPv4-mapped IPv6 is the IPv4 address
        (PROXY, "[2001:db8::1]", [PROXY], "2001:db8::1"),
        (HALL, "", ["not-an-address"], HALL),  # a bad entry trusts nothing
        ("", OFFICE, [], None),  # no IP address (a Unix socket): none, never the header's
        ("unix:/run/x", OFFICE, [PROXY], None),
    ],
)
def test_client_address(peer, forwarded, trusted, expected, settings) -> None:
    settings.PINGYI_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_bad_trusted_proxy_is_a_named_configuration_error(settings) -> None:
    settings.PINGYI_TRUSTED_PROXIES = ["127.0.0.1", "nginx.local"]
    errors = [e for e in run_checks() if e.id == "pingyi.E001"]
    assert len(errors) == 1
    assert "nginx.local" in errors[0].msg and "PINGYI_TRUSTED_PROXIES" in errors[0].msg
