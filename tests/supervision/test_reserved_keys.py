"""A list key never hides one of the app's own pages: an item's page is
``/supervision/<key>/<number>/``, so a list called ``notices`` or ``weekly`` would lose its
items to the notices' or the weekly cycle's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pingyi.supervision import urls
from pingyi.supervision.errors import ImportRefused
from pingyi.supervision.services import RESERVED_KEYS, ListSpec, list_import


def test_every_fixed_first_part_of_the_apps_addresses_is_reserved() -> None:
    firsts = {
        str(p.pattern).split("/")[0] for p in urls.urlpatterns if not str(p.pattern).startswith("<")
    }
    firsts.discard("")
    assert firsts <= RESERVED_KEYS, firsts - RESERVED_KEYS


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(RESERVED_KEYS))
def test_a_list_may_not_take_a_reserved_key(key: str, unit_hualong: Any) -> None:
    spec = ListSpec(key=key, kind="tasks", name="清单", year=2026, assigned_on=date(2026, 1, 1))
    with pytest.raises(ImportRefused) as refused:
        list_import(spec, [])
    assert key in str(refused.value) and "2026-" in str(refused.value)
