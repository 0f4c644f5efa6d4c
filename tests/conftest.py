"""Project-wide test set-up: which database, which services, accounts of every role, a browser.

The settings (``tests/settings.py``) pick the database from ``PINGYI_TEST_DB`` (``sqlite``,
the default, or ``postgres`` with ``PINGYI_TEST_DATABASE_URL``) and a fresh data folder.
Here, services a test needs are checked: on a developer's laptop a test whose service is
missing (PostgreSQL, Redis, Chromium) is skipped with the reason; when ``CI`` is set it fails.

Markers (declared in pyproject.toml):
- ``postgres``: runs only in the PostgreSQL session (deselected in the SQLite one).
- ``redis``: needs ``REDIS_URL`` (use the ``redis_url`` fixture).
- ``browser``: drives Debian's Chromium with Playwright (use ``browser`` / ``page``).

Per-app ``conftest.py`` files add their own fixtures; keep this one general.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("PINGYI_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The password of every account made by the fixtures below (it passes the password rules).
STRONG_PASSWORD = "Pingyi-Fixture-2026!"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def missing_service(reason: str) -> None:
    """Skip on a laptop; fail under CI, where every service must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: services may not be skipped)", pytrace=False)
    pytest.skip(reason)


# --- session: database choice ------------------------------------------------------------


def _test_db() -> str:
    return os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() or "sqlite"


def pytest_configure(config: pytest.Config) -> None:
    if _test_db() == "postgres" and not os.environ.get("PINGYI_TEST_DATABASE_URL"):
        message = "PINGYI_TEST_DB=postgres but PINGYI_TEST_DATABASE_URL is not set"
        if in_ci():
            pytest.exit(f"{message} (CI is set: PostgreSQL may not be skipped)", returncode=3)
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(f"{message}: PostgreSQL tests are skipped"), stacklevel=2
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db.get("HOST") or db.get("TEST", {}).get("NAME") or db.get("NAME")
    return [
        f"pingyi: PINGYI_TEST_DB={_test_db()} engine={db['ENGINE'].rsplit('.', 1)[-1]} "
        f"at {where}; cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"data={settings.DATA_DIR}; CI={'yes' if in_ci() else 'no'}"
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``postgres`` tests belong to the PostgreSQL session only."""
    on_postgres = _test_db() == "postgres"
    has_url = bool(os.environ.get("PINGYI_TEST_DATABASE_URL"))
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("postgres") is None:
            keep.append(item)
        elif not on_postgres:
            dropped.append(item)
        else:
            if not has_url:  # a laptop (under CI pytest_configure has exited already)
                item.add_marker(pytest.mark.skip(reason="PINGYI_TEST_DATABASE_URL is not set"))
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """This session's data folder (``PINGYI_DATA_DIR``, fresh for every session)."""
    from django.conf import settings

    return Path(settings.DATA_DIR)


@pytest.fixture
def redis_url() -> str:
    """``REDIS_URL`` of a running Redis; skipped on a laptop without one, fails under CI."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing_service("REDIS_URL is not set: no Redis server for this test")
    return url


# --- the task queue (docs/tasks.md) ------------------------------------------------------


@pytest.fixture(autouse=True)
def _own_task_queue() -> Iterator[None]:
    """Every test its own task queue: huey's store (``huey.contrib.djhuey.HUEY``) moves to a
    file of the test's own under the session's data folder, created only if the test
    enqueues something; a consumer the test starts is pointed at it with
    ``tests.core.queue_helpers``. Never immediate mode: see ``queue_immediate``."""
    import uuid

    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    from pingyi.core.queue import PrivateSqliteStorage

    saved, immediate = HUEY.storage, HUEY.immediate
    filename = Path(settings.DATA_DIR) / "queues" / f"{uuid.uuid4().hex}.sqlite3"
    filename.parent.mkdir(mode=0o700, exist_ok=True)
    HUEY.storage = PrivateSqliteStorage(name=HUEY.name, filename=str(filename), timeout=30)
    try:
        yield
    finally:
        HUEY.immediate = immediate
        HUEY.storage = saved


@pytest.fixture
def queue_immediate() -> Iterator[None]:
    """For unit tests that say so: tasks run at once, in the test, when called (huey's
    immediate mode, in memory). Integration tests run a real consumer instead."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


# --- accounts of every role --------------------------------------------------------------


@pytest.fixture
def unit_hualong(db: None) -> Any:
    from pingyi.orgs.models import Unit, UnitKind

    unit, _ = Unit.objects.get_or_create(
        code="hualong",
        defaults={"name": "华龙区", "short_name": "华龙区", "kind": UnitKind.COUNTY, "order": 1},
    )
    return unit


@pytest.fixture
def unit_puyang(db: None) -> Any:
    from pingyi.orgs.models import Unit, UnitKind

    unit, _ = Unit.objects.get_or_create(
        code="puyang",
        defaults={"name": "濮阳县", "short_name": "濮阳县", "kind": UnitKind.COUNTY, "order": 2},
    )
    return unit


def _account(username: str, role: str, unit: Any = None) -> Any:
    from pingyi.accounts.models import User

    return User.objects.create_user(
        username=username,
        password=STRONG_PASSWORD,
        role=role,
        unit=unit,
        display_name=username,
    )


@pytest.fixture
def office_user(db: None) -> Any:
    return _account("fx-office", "office")


@pytest.fixture
def leader_user(db: None) -> Any:
    return _account("fx-leader", "leader")


@pytest.fixture
def viewer_user(db: None) -> Any:
    return _account("fx-viewer", "viewer")


@pytest.fixture
def liaison_a(unit_hualong: Any) -> Any:
    """The liaison of 华龙区 (unit ``hualong``)."""
    return _account("fx-liaison-a", "unit", unit_hualong)


@pytest.fixture
def liaison_b(unit_puyang: Any) -> Any:
    """The liaison of 濮阳县 (unit ``puyang``)."""
    return _account("fx-liaison-b", "unit", unit_puyang)


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (one for the whole session).

    Use it with pytest-django's ``live_server`` (which makes the test transactional, so the
    server thread sees the test's data on SQLite and on PostgreSQL alike).
    """
    if not CHROMIUM.exists():
        missing_service(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_service("playwright is not installed: pip install -e '.[test]'")
    # Playwright's sync API runs an event loop in the test thread; the ORM calls that the
    # test makes beside it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies), Chinese like an office's PC, 1280×800."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir(request: pytest.FixtureRequest) -> Path:
    """``test-artifacts/screenshots/`` at the top of the repository (kept by CI)."""
    path = Path(request.config.rootpath) / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove this session's data folder (the test database is dropped by pytest-django)."""
    if os.environ.get("PINGYI_TEST_KEEP_DATA"):
        return
    data = os.environ.get("PINGYI_DATA_DIR", "")
    if data and Path(data).name.startswith("pingyi-test-"):
        shutil.rmtree(data, ignore_errors=True)
