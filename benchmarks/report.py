"""The Markdown report of one benchmark run (``benchmarks/run.py``)."""

from __future__ import annotations

from typing import Any


def _row(name: str, f: dict[str, Any]) -> str:
    spread = ", ".join(f"{x:g}" for x in f.get("per_s_all", [f["per_s"]]))
    return (
        f"| {name} | {f['per_s']:g} ({spread}) | {f['p50_ms']:g} | {f['p95_ms']:g} | "
        f"{f['p99_ms']:g} | {sum(f.get('errors_all', [f['errors']]))} | "
        f"{', '.join(str(v) for v in f.get('verified_all', ['n/a']))} |"
    )


HEAD = (
    "| configuration | /s median (each run) | p50 ms | p95 ms | p99 ms | errors (all runs) | "
    "verified |\n|---|---|---|---|---|---|---|"
)


def _best(baseline: dict[str, Any]) -> tuple[str, float]:
    name = max(baseline, key=lambda n: baseline[n]["per_s"])
    return name, baseline[name]["per_s"]


def markdown(r: dict[str, Any]) -> str:
    m, s = r["machine"], r["settings"]
    out = [
        "# pingyi benchmark run",
        "",
        f"`{r['command']}` — {r.get('seconds', '?')} s",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, Linux {m['kernel']}; "
        f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}, {m['postgresql']}, "
        f"{m['redis']}; gunicorn {m['gunicorn']}, uvicorn {m['uvicorn']}, granian "
        f"{m['granian']}, httpx {m['httpx']}.",
        "",
        f"Load: {s['phones']} phones, one full ballot each (23-unit demo event), client "
        f"`{s['client']}` with {s['pool']} connections, {s['repeat']} run(s) per figure "
        "(median by throughput; its latencies shown). Latency is measured from the moment "
        "the phone presses submit (time queued for a client connection included).",
    ]
    sections: list[tuple[str, dict[str, Any], str]] = []
    if "embedded" in r:
        sections.append(("Embedded (SQLite)", r["embedded"], "baseline_sqlite"))
    if "scaled" in r:
        scaled = {k: v for k, v in r["scaled"].items() if isinstance(v, dict) and k != "baseline"}
        sections.append(("Scaled (PostgreSQL + Redis)", scaled, "scaled.baseline"))
    for title, configs, base_key in sections:
        baseline = r.get("baseline_sqlite") if base_key == "baseline_sqlite" else r.get(
            "scaled", {}).get("baseline")
        for variant, label in (
            (f"window_{s['window']:g}s", f"all submit within {s['window']:g} s"),
            ("window_0s", "all submit at t=0"),
        ):
            rows = [_row(n, c[variant]) for n, c in configs.items() if variant in c]
            if rows:
                out += ["", f"## {title}: pingyi, {label}", "", HEAD, *rows]
        if baseline:
            best_name, best = _best(baseline)
            out += ["", f"## {title}: baseline (one durable row per request), all at t=0", "",
                    HEAD, *[_row(n, f) for n, f in baseline.items()]]
            out += ["", f"Best baseline: **{best_name}, {best:g} req/s**."]
            for n, c in configs.items():
                if "window_0s" in c:
                    ratio = c["window_0s"]["per_s"] / best if best else 0
                    out.append(f"- pingyi {n}: {c['window_0s']['per_s']:g} ballots/s = "
                               f"**{ratio:.2f}x** the best baseline")
        for n, c in configs.items():
            if "live" in c:
                live = c["live"]
                out += ["", f"Live latency ({title}, {n}; {live.get('stream_on', '')}): "
                        + (f"ballot acknowledged -> count on the stream p50 {live['p50_ms']} ms, "
                           f"p95 {live['p95_ms']} ms, max {live['max_ms']} ms over "
                           f"{live['seen']}/{live['ballots']} ballots"
                           if "error" not in live else f"ERROR {live['error']}")]
            if "page" in c:
                page = c["page"]
                items = "; ".join(
                    f"{i['path']} {i['body_bytes']} B ({i['encoding']}, {i['uncompressed_bytes']} "
                    f"B raw)" for i in page["items"])
                out += ["", f"Page weight ({title}): **{page['total_bytes']:,} bytes on the wire** "
                        f"with headers — {items}"]
    if "tally" in r:
        t = r["tally"]
        out += ["", "## Tally at scale", "",
                f"- in memory (`benchmarks/tally_bench.py --ballots {t['ballots']}`): best "
                f"{t.get('in_memory_best_s')} s, worst {t.get('in_memory_worst_s')} s",
                f"- from SQLite (`selectors.results_of`, {t['ballots']:,} packed rows, "
                f"{t['db_size_mib']} MiB): median {t['from_db_median_s']} s (runs: "
                f"{t['from_db_s']}); bulk load {t['db_insert_s']} s",
                "", "```", t.get("tally_bench_output", ""), "```"]
    if "hostile" in r:
        out += ["", "## The hall at its worst (benchmarks/hostile.py, embedded, 2 processes)", "",
                "| run | bombs (status, s) | next ballot | siege: 201s | p50 / p99 ms | "
                "streams alive | slow clients | phone page ms | closed loop /s | "
                "p50 / p99 ms | errors |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for i, h in enumerate(r["hostile"]["runs"], start=1):
            b, g = h.get("bomb", {}), h["siege"]
            loop = h.get("closed_loop_wrk") or h["closed_loop"]
            per_s = loop.get("requests_per_s", loop.get("ballots_per_s"))
            out.append(
                f"| {i} | {list(zip(b.get('statuses', []), b.get('seconds', []), strict=False))}"
                f" | {b.get('next_status')} in {b.get('next_seconds')} s"
                f" | {g['statuses'].get(201, g['statuses'].get('201', 0))}/{g['ballots']}"
                f" | {g['p50_ms']} / {g['p99_ms']} | {g['streams_alive']}/{g['streams_opened']}"
                f" | {g['slow_open']} | {g['page_ms']} | {per_s}"
                f" ({'wrk' if h.get('closed_loop_wrk') else 'python'})"
                f" | {loop['p50_ms']} / {loop['p99_ms']} | {loop.get('errors')} |"
            )
    if "backup" in r:
        from benchmarks.backup_bench import table

        out += ["", "## Backup and restore (benchmarks/backup_bench.py)", "", table(r["backup"])]
    if "crash" in r:
        c = r["crash"]
        out += ["", "## Crash loops", "", c["summary"]]
        if c["problems"]:
            out += ["", "PROBLEMS:", *[f"- {p}" for p in c["problems"]]]
    for name, error in r.get("failed", {}).items():
        out += ["", f"**{name} FAILED**: {error}"]
    return "\n".join(out) + "\n"
