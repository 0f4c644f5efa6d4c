"""Creating accounts: the password policy and the role rules, in the service and the database."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from pingyi.accounts.models import Role, User
from pingyi.accounts.services import AccountError, account_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!xyz", "too short"),  # 7 characters, 4 classes
        ("20262026202620", "entirely numeric"),
        ("qwertyuiop", "too common"),
        ("abcdefghijkmn", "must mix at least 3"),  # letters of one case only
        ("abcdefghIJKLMN", "must mix at least 3"),  # two classes
        ("zhangwei-2026", "too similar"),  # the username, with a year
    ],
)
def test_weak_passwords_are_refused_with_a_reason(db, password, reason) -> None:
    with pytest.raises(AccountError) as caught:
        account_create(username="zhangwei", password=password, role=Role.OFFICE)
    assert reason in str(caught.value).lower() or reason in str(caught.value)
    assert not User.objects.filter(username="zhangwei").exists()


def test_every_failed_rule_is_reported_at_once(db) -> None:
    with pytest.raises(AccountError) as caught:
        account_create(username="wang", password="1234", role=Role.LEADER)
    message = str(caught.value)
    assert "too short" in message
    assert "entirely numeric" in message
    assert "must mix" in message
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "password", ["Pingyi-Strong-2026", "评议Sun-2026rise", "correct Horse 9 battery"]
)
def test_strong_password_is_accepted(db, password) -> None:
    user = account_create(username="zhao", password=password, role=Role.VIEWER, display_name="赵")
    user.refresh_from_db()
    assert user.role == Role.VIEWER
    assert user.check_password(password)
    assert user.password != password  # stored hashed
    assert str(user) == "赵"


def test_unit_liaison_is_created_with_its_unit(make_unit) -> None:
    unit = make_unit("hualong", "华龙区")
    user = account_create(
        username="hl", password="Pingyi-Strong-2026", role=Role.UNIT, unit_code="hualong"
    )
    assert user.unit == unit


def test_unit_liaison_without_a_unit_is_refused(db) -> None:
    with pytest.raises(AccountError, match="unit"):
        account_create(username="hl", password="Pingyi-Strong-2026", role=Role.UNIT)
    assert User.objects.count() == 0


def test_unknown_unit_code_is_refused(db) -> None:
    with pytest.raises(AccountError, match="no-such"):
        account_create(
            username="hl", password="Pingyi-Strong-2026", role=Role.UNIT, unit_code="no-such"
        )
    assert User.objects.count() == 0


def test_unknown_role_and_duplicate_name_are_refused(db) -> None:
    with pytest.raises(AccountError, match="boss"):
        account_create(username="a", password="Pingyi-Strong-2026", role="boss")
    account_create(username="a", password="Pingyi-Strong-2026", role=Role.OFFICE)
    with pytest.raises(AccountError, match="already exists"):
        account_create(username="a", password="Other-Strong-2026", role=Role.LEADER)
    assert User.objects.get(username="a").role == Role.OFFICE


def test_database_refuses_a_liaison_without_a_unit(db) -> None:
    """The check constraint holds even when the service is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", role=Role.UNIT, unit=None)
    assert not User.objects.filter(username="orphan").exists()


def test_database_refuses_removing_a_liaisons_unit(make_user, make_unit) -> None:
    liaison = make_user("hl", Role.UNIT, make_unit("hualong"))
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=liaison.pk).update(unit=None)
    liaison.refresh_from_db()
    assert liaison.unit is not None


def test_model_validation_names_the_unit_field(db) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        User(username="x", role=Role.UNIT).full_clean(exclude=["password"])
    assert "unit" in caught.value.message_dict


def test_other_roles_need_no_unit(db) -> None:
    for role in (Role.OFFICE, Role.LEADER, Role.VIEWER):
        User.objects.create(username=f"u-{role}", role=role)
    assert User.objects.count() == 3


def test_password_change_form_applies_the_policy(client, make_user) -> None:
    from tests.accounts.factories import STRONG_PASSWORD

    user = make_user("qian", Role.OFFICE)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": STRONG_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": STRONG_PASSWORD,
            "new_password1": "New-Strong-2027",
            "new_password2": "New-Strong-2027",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-Strong-2027")
