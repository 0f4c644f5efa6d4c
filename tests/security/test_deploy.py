"""``manage.py check --deploy`` is clean with production settings (docs/security.md).

Run as a subprocess on ``pingyi.settings`` (not the test settings) with the environment of a
real deployment behind an HTTPS proxy, in a fresh data folder.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "PINGYI_HTTPS": "1",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "pingyi.example.gov.cn",
    "DJANGO_SETTINGS_MODULE": "pingyi.settings",
}


def check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINGYI_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(PRODUCTION, PINGYI_DATA_DIR=str(tmp_path / "data"), **extra)
    return subprocess.run(
        [sys.executable, "-m", "pingyi", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_check_deploy_is_clean_with_hsts_preload(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, PINGYI_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("PINGYI_HTTPS", "0", "security.W004"),  # no HSTS, no secure cookies
        ("SECRET_KEY", "short", "security.W009"),
        ("PINGYI_DEBUG", "1", "security.W018"),
    ],
)
def test_check_deploy_catches_an_unsafe_setting(
    tmp_path: Path, variable: str, value: str, warning: str
) -> None:
    """The check would see it if the production settings slipped."""
    result = check_deploy(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
