"""import → cards → cast through the API → close → export → ``pingyi tally`` reproduces
the published results byte for byte. Every step runs the real ``pingyi`` command."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from .factories import event_data, event_json

pytestmark = pytest.mark.django_db(transaction=True)


def pingyi(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PINGYI_DATA_DIR": str(settings.DATA_DIR),
        "DJANGO_SETTINGS_MODULE": "pingyi.settings",
    }
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    result = subprocess.run(
        [sys.executable, "-m", "pingyi", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def random_ballot(rng: random.Random, bound: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for unit in ("hualong", "puyang", "qingfeng"):
        if unit == bound:
            continue
        rows.append(
            {
                "track": "counties",
                "unit": unit,
                "item": "results",
                "value": rng.randrange(0, 121) / 2,
            }
        )
        rows.append(
            {"track": "counties", "unit": unit, "item": "style", "value": rng.randrange(0, 81) / 2}
        )
    leads = ["fgw", "gxj", "kjj", "swj"]
    abstain = rng.choice([*leads, None, None])
    graded = [u for u in leads if u != abstain]
    goods = rng.randrange(0, int(0.3 * len(graded)) + 1)
    for i, unit in enumerate(leads):
        if unit == abstain:
            rows.append({"track": "leads", "unit": unit, "item": "abstain", "value": None})
        else:
            grade = "good" if i < goods else rng.choice(["fair", "average", "poor"])
            rows.append({"track": "leads", "unit": unit, "item": "grade", "value": grade})
    return rows


@pytest.mark.parametrize("pack", ["dir", "zip"])
def test_export_then_tally_reproduces_results(client: Any, tmp_path: Path, pack: str) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "event.json").write_text(event_json(), encoding="utf-8")
    if pack == "zip":
        import zipfile

        with zipfile.ZipFile(tmp_path / "event.zip", "w") as zf:
            zf.write(source / "event.json", "event.json")
        assert pingyi("event", "import", str(tmp_path / "event.zip")).stdout.strip() == "t1"
    else:
        assert pingyi("event", "import", str(source)).stdout.strip() == "t1"
    cards: list[tuple[str, str]] = []
    for panel, n, unit in (
        ("leaders", 6, None),
        ("attendees", 9, None),
        ("attendees", 3, "puyang"),
    ):
        args = ["tokens", "t1", "--panel", panel, "--count", str(n)]
        if unit:
            args += ["--unit", unit]
        rows = list(csv.DictReader(io.StringIO(pingyi(*args).stdout)))
        assert len(rows) == n and len({r["token"] for r in rows}) == n
        assert all(r["url"].endswith("#" + r["token"]) for r in rows)
        cards += [(r["token"], r["unit"]) for r in rows]
    assert pingyi("event", "open", "t1").stdout.strip() == "t1: open"
    rng = random.Random(7)
    receipts = []
    for token, unit in cards:
        response = client.post(
            "/api/v1/ballots",
            data=json.dumps({"token": token, "scores": random_ballot(rng, unit or None)}),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        receipts.append(response.json()["receipt"])
    pingyi("event", "close", "t1")
    assert client.get("/api/v1/events/t1/results").status_code == 404  # not published yet
    pingyi("event", "publish", "t1")
    published = client.get("/api/v1/events/t1/results")
    assert published.status_code == 200
    out = tmp_path / "export"
    pingyi("event", "export", "t1", str(out))
    assert sorted((out / "receipts.txt").read_text().split()) == sorted(receipts)
    with (out / "ballots.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["ballot"] for r in rows}) == len(cards)
    assert not {r["ballot"] for r in rows} & set(receipts)
    recomputed = pingyi("tally", str(out)).stdout
    assert recomputed == (out / "results.json").read_text(encoding="utf-8")
    assert json.loads(recomputed) == published.json()


def test_cli_refusals_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    broken = event_data()
    broken["tracks"][0]["rubric"]["criteria"][0]["max"] = -5
    (bad / "event.json").write_text(json.dumps(broken), encoding="utf-8")
    result = pingyi("event", "import", str(bad), check=False)
    assert result.returncode == 2
    assert "tracks[0].rubric.criteria[0].max" in result.stderr
    assert pingyi("event", "open", "nope", check=False).returncode == 2
    assert pingyi("tokens", "nope", "--panel", "x", "--count", "1", check=False).returncode == 2
