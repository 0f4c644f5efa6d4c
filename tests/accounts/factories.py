"""Shared test fixtures for accounts, units and roles (real database, no mocks).

Fixture names are deliberately distinct from the project-wide ones in ``tests/conftest.py``
(``office_user`` …) so that both can live side by side; each of our ``conftest.py`` files
imports the fixtures from here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

STRONG_PASSWORD = "Pingyi-Test-2026!"


@pytest.fixture
def make_unit(db: None) -> Callable[..., object]:
    from pingyi.orgs.models import Unit, UnitKind

    def make(code: str, name: str | None = None, kind: str = UnitKind.COUNTY, order: int = 0):
        return Unit.objects.create(code=code, name=name or f"单位{code}", kind=kind, order=order)

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    from pingyi.accounts.models import User

    def make(username: str, role: str, unit: object = None, password: str = STRONG_PASSWORD):
        return User.objects.create_user(username=username, password=password, role=role, unit=unit)

    return make


@pytest.fixture
def two_units(make_unit: Callable[..., object]) -> tuple[object, object]:
    """Unit A (华龙区) and unit B (濮阳县)."""
    return make_unit("unit-a", "华龙区"), make_unit("unit-b", "濮阳县")


@pytest.fixture
def cast(make_user: Callable[..., object], two_units: tuple[object, object]) -> dict[str, object]:
    """One account per role, and a liaison for each of the two units."""
    unit_a, unit_b = two_units
    return {
        "office": make_user("t-office", "office"),
        "leader": make_user("t-leader", "leader"),
        "viewer": make_user("t-viewer", "viewer"),
        "liaison_a": make_user("t-liaison-a", "unit", unit_a),
        "liaison_b": make_user("t-liaison-b", "unit", unit_b),
    }
