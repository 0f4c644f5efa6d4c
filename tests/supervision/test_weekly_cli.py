"""The weekly cycle's verbs end to end in subprocesses on a fresh data folder: a bulletin
compiled then exported as .docx (read back with python-docx) and as PDF; a week that is no
ISO week, a file that is neither .docx nor .pdf, an unwritable place: one line, exit 2, no
traceback, nothing written."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from tests.conftest import STRONG_PASSWORD
from tests.test_cli import fresh_env, run


def test_compile_then_export_on_a_fresh_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = fresh_env(data, PINGYI_PASSWORD=STRONG_PASSWORD)
    done = run(["bulletin", "compile", "--week", "2026-W41"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "bulletin 2026-W41 compiled: 0 units rated, figures as of" in done.stdout
    out = tmp_path / "周通报.docx"
    done = run(["bulletin", "export", "--week", "2026-w41", "--out", str(out)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    doc = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督查工作周通报" in text and "2026年第41周（10月5日—10月11日）" in text
    assert "本周未下发交办单。" in text
    pdf = tmp_path / "b.pdf"
    done = run(["bulletin", "export", "--week", "2026-W41", "--out", str(pdf)], env, tmp_path)
    assert done.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), done.stderr
    for args, says in (
        (["bulletin", "compile", "--week", "2026-W54"], "write an ISO week as YYYY-Www"),
        (["week", "issue", "--week", "41"], "write an ISO week as YYYY-Www"),
        (
            ["bulletin", "export", "--week", "2026-W41", "--out", str(tmp_path / "b.txt")],
            "write FILE.docx or FILE.pdf",
        ),
        (
            ["bulletin", "export", "--week", "2026-W41", "--out", str(tmp_path / "no/b.docx")],
            "cannot write",
        ),
    ):
        done = run(args, env, tmp_path)
        output = done.stdout + done.stderr
        assert done.returncode == 2 and says in output and "Traceback" not in output, output
    assert not (tmp_path / "b.txt").exists()
