"""Sign-in lockout: by account *and* address, with a ceiling per address (docs/security.md).

django-axes counts wrong passwords (over the sign-in form and the API's HTTP Basic alike)
under two keys, ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]``:

* an account from one address is locked after ``AXES_FAILURE_LIMIT`` (5) wrong passwords;
  the same account from any other address is not affected, so nobody in the hall can lock
  the office out of its own machine;
* one address is locked, whatever account it tries, after
  ``PINGYI_LOGIN_ADDRESS_FAILURE_LIMIT`` (30) wrong passwords, so guessing many accounts
  from one device stays bounded too.

Axes compares every key with one limit; :class:`LockoutHandler` gives each key its own.

The address is the peer's (``REMOTE_ADDR``). ``X-Forwarded-For`` is read only when the peer
is one of ``PINGYI_TRUSTED_PROXIES`` (the reverse proxy in front), and then only the
addresses that proxy appended count: a client cannot choose its address by sending the
header itself.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.core.checks import Error, register
from django.db.models import Sum
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

ADDRESS_ONLY = ["ip_address"]


def _parse_address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1
    return address


def _parse_networks(entries: tuple[str, ...]) -> tuple[list[Network], list[str]]:
    networks: list[Network] = []
    bad: list[str] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            bad.append(entry)
    return networks, bad


@functools.cache
def _trusted(entries: tuple[str, ...]) -> list[Network]:
    # An entry that is not an address or network is left out (it trusts nothing more: the
    # safe side) and reported by the system check below.
    return _parse_networks(entries)[0]


def _is_trusted(address: Address) -> bool:
    return any(address in net for net in _trusted(tuple(settings.PINGYI_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str | None:
    """The address a sign-in comes from, as lockouts count it (``AXES_CLIENT_IP_CALLABLE``).

    The peer's address, unless the peer is a trusted proxy: then the right-most address of
    ``X-Forwarded-For`` that is not itself a trusted proxy (every proxy appends the address
    it got the request from, so whatever a client wrote there itself stays on the left).
    None when the request has no IP address (``force_login``, a Unix socket): axes stores
    addresses in IP columns.
    """
    peer = _parse_address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not _is_trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse_address(hop)
        if address is None:
            break  # junk: stop at the last address our proxies vouch for
        if not _is_trusted(address):
            return str(address)
        peer = address
    return str(peer)


def _limit_of(group: Any) -> int:
    if list(group) == ADDRESS_ONLY or group == "ip_address":
        return int(settings.PINGYI_LOGIN_ADDRESS_FAILURE_LIMIT)
    return int(settings.AXES_FAILURE_LIMIT)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout key, and a success that forgives
    only the account that signed in."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures of the key closest to its limit, scaled so that a key reaching its
        own limit reaches ``AXES_FAILURE_LIMIT``, the one number axes compares with."""
        limit = get_failure_limit(request, credentials)
        groups = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        worst = 0
        for group, attempts in zip(groups, attempts_list, strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count * limit // _limit_of(group))
        return worst

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """A right password clears that account's failures from that address; failures
        against other accounts from the same address still count against the address."""
        groups = get_lockout_parameters(request, credentials)
        count = 0
        for group, attempts in zip(
            groups, self.filter_user_attempts(request, credentials), strict=True
        ):
            if "username" in group:
                count += attempts.delete()[0]
        return count


@register("security")
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """``PINGYI_TRUSTED_PROXIES`` holds only addresses and networks."""
    _networks, bad = _parse_networks(tuple(settings.PINGYI_TRUSTED_PROXIES))
    return [
        Error(
            f"PINGYI_TRUSTED_PROXIES: {entry!r} is not an IP address or network.",
            hint="Give the reverse proxy's address, e.g. 127.0.0.1 or 10.0.0.0/24.",
            id="pingyi.E001",
        )
        for entry in bad
    ]
