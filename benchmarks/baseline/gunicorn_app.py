"""``python -m benchmarks.baseline.gunicorn_app PORT WORKERS THREADS|sync``: gunicorn
with the same options as ``pingyi serve`` (gthread), or its sync workers."""

import sys

from gunicorn.app.wsgiapp import run

port, workers, threads = sys.argv[1:4]
argv = ["gunicorn", "-b", f"127.0.0.1:{port}", "-w", workers, "--log-level", "warning"]
if threads == "sync":
    argv += ["-k", "sync"]
else:
    argv += ["-k", "gthread", "--threads", threads, "--keep-alive", "5"]
sys.argv = [*argv, "benchmarks.baseline.wsgi:application"]
run()
