"""Creating accounts, with the role rules and password policy applied."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pingyi.accounts.models import Role, User
from pingyi.orgs.models import Unit


class AccountError(ValueError):
    pass


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    display_name: str = "",
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise AccountError(_("unknown role “%(role)s”") % {"role": role})
    if User.objects.filter(username=username).exists():
        raise AccountError(_("account “%(name)s” already exists") % {"name": username})
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise AccountError(_("no unit with code “%(code)s”") % {"code": unit_code})
    if role == Role.UNIT and unit is None:
        raise AccountError(_("a unit liaison needs --unit"))
    user = User(username=username, role=role, unit=unit, display_name=display_name)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("; ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    return user
