"""The ways in: a page that an account may open is linked from where that account works.

The handbook's writers found pages that people could reach only by typing an address
(issue 15): changing one's password, the on-site office for a unit liaison, the office's
notification channels. Each test here checks both sides: the link is on the page for every
role that may follow it (and following it answers 200), and absent for the roles that would
get a refusal.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.test_access import client_as, supervision_items  # noqa: F401 (fixtures)

SIGNED_IN = ("office", "leader", "viewer", "liaison_a", "liaison_b")
LIAISONS = {"liaison_a", "liaison_b"}
HEADER = re.compile(r'<header class="topbar">(.*?)</header>', re.S)


def links(body: str) -> set[str]:
    return set(re.findall(r'href="([^"?#]*)', body))


def header_of(body: str) -> str:
    found = HEADER.search(body)
    assert found, "the page has no header"
    return found.group(1)


# --- 1. changing one's password: in the header, next to signing out -----------------------


@pytest.mark.parametrize("role", SIGNED_IN)
@pytest.mark.parametrize(
    "page",
    ["core:home", "orgs:unit_list", "supervision:item_list", "supervision:unit_home"],
)
def test_every_signed_in_header_links_the_password_page(client_as, role, page) -> None:  # noqa: F811
    client: Client = client_as(role)
    header = header_of(client.get(reverse(page)).content.decode())
    target = reverse("accounts:password_change")
    assert f'href="{target}"' in header, (role, page)
    # beside signing out, and it opens for this account
    assert header.index(f'href="{target}"') < header.index(reverse("accounts:logout"))
    assert client.get(target).status_code == 200


def test_the_password_link_says_where_you_are(client_as) -> None:  # noqa: F811
    client: Client = client_as("liaison_a")
    target = reverse("accounts:password_change")
    header = header_of(client.get(target).content.decode())
    assert f'href="{target}" aria-current="page"' in header
    home = header_of(client.get(reverse("core:home")).content.decode())
    assert f'href="{target}" aria-current' not in home


@pytest.mark.parametrize("page", ["accounts:login", "results:index"])
def test_no_password_link_for_anonymous_visitors(client, db, page) -> None:
    body = client.get(reverse(page)).content.decode()
    assert reverse("accounts:password_change") not in body


# --- 2. the on-site office: a liaison finds it beside its items and notices ----------------


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_liaisons_home_card_links_the_onsite_office(client_as, role) -> None:  # noqa: F811
    client: Client = client_as(role)
    target = reverse("supervision:onsite_index")
    for page in ("core:home", "supervision:unit_home"):
        body = client.get(reverse(page)).content.decode()
        assert (target in links(body)) == (role in LIAISONS), (role, page)
    if role in LIAISONS:
        assert client.get(target).status_code == 200


@pytest.mark.parametrize("role", SIGNED_IN)
def test_whoever_may_open_the_onsite_office_has_a_link_to_it(client_as, role) -> None:  # noqa: F811
    """Readers find it on the items page's office links, liaisons on their home and items."""
    client: Client = client_as(role)
    target = reverse("supervision:onsite_index")
    assert client.get(target).status_code == 200
    pages = ("core:home", "supervision:unit_home", "supervision:item_list")
    assert any(target in links(client.get(reverse(p)).content.decode()) for p in pages), role


# --- 3. the notification channels: on the notice board, for the office only ---------------


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_notice_board_links_the_channels_for_the_office_only(client_as, role) -> None:  # noqa: F811
    client: Client = client_as(role)
    board = client.get(reverse("supervision:notice_board"))
    if board.status_code != 200:  # liaisons have their inbox instead of the board
        assert role in LIAISONS
        inbox = client.get(reverse("supervision:notice_inbox")).content.decode()
        assert reverse("notifications:channels") not in inbox
        return
    found = links(board.content.decode())
    for name in ("notifications:channels", "notifications:log"):
        target = reverse(name)
        shown = target in found
        assert shown == (role == "office"), (role, name)
        # shown exactly when it opens
        assert shown == (client.get(target).status_code == 200), (role, name)
