"""``pingyi serve`` (and ``pingyi demo``) collect the static files only when they changed.

The start's preparation (``cli._prepare_embedded``) runs for real against a static root and
a data folder of the test's own; a spy on ``collectstatic``'s ``handle`` counts the runs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.management.commands import collectstatic

from pingyi import cli

pytestmark = pytest.mark.django_db

ECHARTS_GZ = "pingyi/vendor/echarts-5.6.0.min.js.gz"
STAMP_NAME = "static.stamp"  # in the data folder (pingyi.core.static_stamp)


@pytest.fixture
def own(tmp_path: Path, settings: Any) -> Path:
    """A static folder of the test's own beside the apps' ones, collected into tmp_path."""
    folder = tmp_path / "own-static"
    (folder / "stamp-test").mkdir(parents=True)
    (folder / "stamp-test" / "a.css").write_text("a { color: red }\n")
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [folder]
    return folder


@pytest.fixture
def collects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    handle = collectstatic.Command.handle

    def counted(self: Any, **options: Any) -> Any:
        runs.append(1)
        return handle(self, **options)

    monkeypatch.setattr(collectstatic.Command, "handle", counted)
    return runs


def test_a_second_start_skips_collectstatic(own: Path, settings: Any, collects: list[int]) -> None:
    root = Path(settings.STATIC_ROOT)
    cli._prepare_embedded()
    assert len(collects) == 1
    compressed = root / ECHARTS_GZ
    assert compressed.is_file() and (root / "stamp-test" / "a.css").is_file()
    before = compressed.stat().st_mtime_ns

    cli._prepare_embedded()
    assert len(collects) == 1, "the second start ran collectstatic again"
    assert compressed.stat().st_mtime_ns == before  # ECharts was not compressed again
    stamp = Path(settings.DATA_DIR) / STAMP_NAME
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o600


def test_a_changed_or_added_file_is_collected(
    own: Path, settings: Any, collects: list[int]
) -> None:
    root = Path(settings.STATIC_ROOT)
    cli._prepare_embedded()
    css = own / "stamp-test" / "a.css"
    css.write_text("a { color: blue }\n")
    os.utime(css, ns=(1, 1))  # an older time than the collected copy: the content decides
    cli._prepare_embedded()
    assert len(collects) == 2
    (own / "stamp-test" / "b.js").write_text("export const b = 1;\n")
    cli._prepare_embedded()
    assert len(collects) == 3
    assert (root / "stamp-test" / "b.js").is_file()
    cli._prepare_embedded()
    assert len(collects) == 3


def test_a_lost_collected_file_or_stamp_is_collected_again(
    own: Path, settings: Any, collects: list[int]
) -> None:
    root = Path(settings.STATIC_ROOT)
    cli._prepare_embedded()
    (root / "stamp-test" / "a.css").unlink()
    cli._prepare_embedded()
    assert len(collects) == 2
    assert (root / "stamp-test" / "a.css").is_file()
    stamp = Path(settings.DATA_DIR) / STAMP_NAME
    stamp.write_text("not a fingerprint\n")
    cli._prepare_embedded()
    assert len(collects) == 3
    stamp.unlink()
    cli._prepare_embedded()
    assert len(collects) == 4
