"""The import contracts of pyproject.toml ([tool.importlinter], docs/architecture.md, "Fences").

``scripts/test`` runs ``lint-imports`` on the checkout; these tests prove that the contracts
hold today and that each kind of fence fails on a deliberate violation, injected into a
temporary copy of the source (the checkout is never touched).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (requirements-dev.txt)"
)


def _copy(tmp_path: Path) -> Path:
    """The Python source and pyproject.toml, without static files or caches."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "pingyi",
        tmp_path / "src" / "pingyi",
        ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "static", "templates", "locale", "*.mo", "*.po"
        ),
    )
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _inject(root: Path, module: str, line: str) -> None:
    path = root / "src" / Path(*module.split(".")).with_suffix(".py")
    text = path.read_text(encoding="utf-8")
    marker = "from __future__ import annotations\n"
    assert marker in text, path
    path.write_text(text.replace(marker, marker + line + "\n", 1), encoding="utf-8")


def test_the_checkouts_imports_keep_every_contract(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # the method must stay pure: no Django
        (
            "pingyi.appraisal.method.tally",
            "from django.db import models",
            "pingyi.appraisal.method is not allowed to import django",
        ),
        # supervision's rules (working days, statuses) are pure too
        (
            "pingyi.supervision.method.status",
            "from django.utils import timezone",
            "pingyi.supervision.method is not allowed to import django",
        ),
        # the unit-name reader's rules are pure: not even orgs' models
        (
            "pingyi.orgs.names",
            "import pingyi.orgs.models",
            "pingyi.orgs.names is not allowed to import django",
        ),
        # nor may core's pure helpers reach Django through an app
        (
            "pingyi.core.pure.numbers",
            "import pingyi.appraisal.models",
            "pingyi.core.pure is not allowed to import django",
        ),
        # core imports no domain app
        (
            "pingyi.core.views",
            "import pingyi.appraisal.selectors",
            "pingyi.core is not allowed to import pingyi.appraisal",
        ),
        # domain apps do not import each other's internals
        (
            "pingyi.orgs.views",
            "import pingyi.appraisal.services",
            "pingyi.orgs is not allowed to import pingyi.appraisal",
        ),
        # layers: models never import services
        (
            "pingyi.appraisal.models",
            "from pingyi.appraisal import services",
            "pingyi.appraisal.models is not allowed to import pingyi.appraisal.services",
        ),
        # layers: the writer never imports the ballot path again (the circle issue 10 removed)
        (
            "pingyi.appraisal.casting.writer",
            "from pingyi.appraisal import services",
            "pingyi.appraisal.casting is not allowed to import pingyi.appraisal.services",
        ),
    ],
)
def test_a_deliberate_violation_breaks_its_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    root = _copy(tmp_path)
    _inject(root, module, line)
    result = _lint(root)
    assert result.returncode != 0, result.stdout
    assert broken in " ".join(result.stdout.split()), result.stdout
