"""A NUL in a page's address or query is refused before any view (and any database) sees it:
PostgreSQL cannot compare text holding a NUL, and a filter such as ``?list=%00`` answered 500
(core/middleware.py, NulGuardMiddleware). The API names the parameter itself (422)."""

from __future__ import annotations

import pytest
from django.test import Client

PAGES = [
    "/supervision/?list=%00",
    "/supervision/?unit=a%00b",
    "/supervision/?status=%00",
    "/results/?x%00=1",
    "/meeting/?q=%00",
    "/units/?q=%00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", PAGES)
def test_a_nul_in_the_query_is_400_for_every_role(address: str, office_user, liaison_a) -> None:
    for user in (None, office_user, liaison_a):
        client = Client()
        if user is not None:
            client.force_login(user)
        answer = client.get(address)
        assert answer.status_code == 400, (address, user, answer.status_code)


@pytest.mark.django_db
def test_the_api_answers_in_its_own_shape_naming_the_parameter(office_user) -> None:
    client = Client()
    client.force_login(office_user)
    answer = client.get("/api/v1/items?list=%00")
    assert answer.status_code == 422
    assert set(answer.json()) >= {"detail", "code"}


@pytest.mark.django_db
def test_ordinary_queries_pass(office_user) -> None:
    client = Client()
    client.force_login(office_user)
    assert client.get("/supervision/?list=no-such-list").status_code == 200
