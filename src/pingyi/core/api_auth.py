"""API authentication: the browser session or HTTP Basic, limited by role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBasicAuth, SessionAuth

from pingyi.accounts.rules import is_office, is_signed_in, reads_all_units
from pingyi.core.audit import current_actor


class _RoleSession(SessionAuth):
    def __init__(self, allowed: Callable[[Any], bool]) -> None:
        super().__init__()
        self.allowed = allowed

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nothing for a cross-site request to ride on, so no CSRF check
        # (which would refuse the request before HTTP Basic is tried). With one, the check
        # applies as before.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        return user if self.allowed(user) else None


class _RoleBasic(HttpBasicAuth):
    def __init__(self, allowed: Callable[[Any], bool]) -> None:
        super().__init__()
        self.allowed = allowed

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        user = authenticate(request, username=username, password=password)
        if user is None:
            return None
        if not self.allowed(user):
            return None
        request.user = user
        current_actor.set(user.get_username())
        return user


def OfficeAuth(*, readers: bool = False) -> list[Any]:
    """Office accounts (or, with ``readers``, leaders and viewers too), by session or Basic."""
    allowed = reads_all_units if readers else is_office
    return [_RoleSession(allowed), _RoleBasic(allowed)]


def AccountAuth() -> list[Any]:
    """Any active account (office, leader, viewer, unit liaison), by session or Basic: the
    route itself decides what the account may see and do (the supervision API)."""
    return [_RoleSession(is_signed_in), _RoleBasic(is_signed_in)]


office_auth = OfficeAuth()
