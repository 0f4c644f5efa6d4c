"""Sign-in through the real form: lockout after five wrong passwords, idle expiry, sign-out."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import STRONG_PASSWORD

LOGIN = "/accounts/login/"
WRONG = "Wrong-Password-1"


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    response = client.get(reverse("core:home"))
    return response.status_code == 200


def is_locked(response) -> bool:
    return response.status_code == django_settings.AXES_HTTP_RESPONSE_CODE and any(
        t.name == django_settings.AXES_LOCKOUT_TEMPLATE for t in response.templates
    )


@pytest.fixture
def accounts(make_user, two_units):
    return make_user("zhang", "office"), make_user("li", "unit", two_units[0])


def test_settings_are_the_documented_policy() -> None:
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], ["ip_address"]]
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_right_password_signs_in(client, accounts) -> None:
    response = sign_in(client, "zhang", STRONG_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in(client)


def test_wrong_password_shows_the_form_again(client, accounts) -> None:
    response = sign_in(client, "zhang", WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not signed_in(client)


def test_five_wrong_passwords_lock_the_account(client, accounts) -> None:
    for attempt in range(1, 5):
        response = sign_in(client, "zhang", WRONG)
        assert response.status_code == 200, attempt  # the form again, not yet locked
        assert not is_locked(response)
    fifth = sign_in(client, "zhang", WRONG)
    assert is_locked(fifth)
    # The sixth attempt, now with the RIGHT password, is refused with the locked page.
    sixth = sign_in(client, "zhang", STRONG_PASSWORD)
    assert is_locked(sixth)
    assert 'name="password"' not in sixth.content.decode()  # no form to try again
    assert SESSION_KEY not in client.session
    assert not signed_in(client)
    # From another browser at the same address too: the lock is on the account from this
    # address, not on a cookie (other addresses: tests/accounts/test_lockout.py).
    assert is_locked(sign_in(Client(), "zhang", STRONG_PASSWORD))


def test_lockout_leaves_other_accounts_alone(client, accounts) -> None:
    for _ in range(5):
        sign_in(client, "zhang", WRONG)
    assert is_locked(sign_in(client, "zhang", STRONG_PASSWORD))
    # Same client, same address: a different account still signs in.
    response = sign_in(client, "li", STRONG_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_success_before_the_limit_resets_the_count(client, accounts) -> None:
    for _ in range(4):
        sign_in(client, "zhang", WRONG)
    assert sign_in(client, "zhang", STRONG_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # Four more failures: eight in all, but never five in a row.
    for attempt in range(4):
        response = sign_in(client, "zhang", WRONG)
        assert not is_locked(response), attempt
    assert sign_in(client, "zhang", STRONG_PASSWORD).status_code == 302
    assert signed_in(client)


def test_unknown_account_is_refused_like_a_wrong_password(client, accounts) -> None:
    response = sign_in(client, "nobody", WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_inactive_account_cannot_sign_in(client, accounts) -> None:
    user = accounts[0]
    user.is_active = False
    user.save()
    response = sign_in(client, "zhang", STRONG_PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_sign_out_needs_post_and_ends_the_session(client, accounts) -> None:
    sign_in(client, "zhang", STRONG_PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not signed_in(client)


def test_sign_in_does_not_redirect_off_site(client, accounts) -> None:
    response = client.post(
        LOGIN, {"username": "zhang", "password": STRONG_PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


# --- idle session expiry ------------------------------------------------------------------


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@pytest.fixture
def db_sessions(settings) -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_activity_pushes_the_expiry_forward(client, accounts, db_sessions) -> None:
    sign_in(client, "zhang", STRONG_PASSWORD)
    row = _session_row(client)
    # Pretend the last request was 29 minutes ago: one minute of life left.
    row.expire_date = timezone.now() + timedelta(minutes=1)
    row.save()
    assert signed_in(client)
    extended = _session_row(client).expire_date
    assert extended >= timezone.now() + timedelta(minutes=29)
    assert extended <= timezone.now() + timedelta(minutes=30, seconds=5)


def test_session_idle_for_more_than_30_minutes_is_signed_out(client, accounts, db_sessions):
    sign_in(client, "zhang", STRONG_PASSWORD)
    assert signed_in(client)
    row = _session_row(client)
    # The last activity was 31 minutes ago: its 30-minute expiry passed a minute ago.
    row.expire_date = timezone.now() - timedelta(minutes=1)
    row.save()
    response = client.get(reverse("orgs:unit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_idle_expiry_in_real_time(client, accounts, settings) -> None:
    """No clock games: with a 2-second idle limit, requests 1 s apart keep the session alive
    and a 3-second pause ends it."""
    settings.SESSION_COOKIE_AGE = 2
    sign_in(client, "zhang", STRONG_PASSWORD)
    for _ in range(3):
        time.sleep(1)
        assert signed_in(client)
    time.sleep(3)
    assert not signed_in(client)
