"""The baseline: a trivial Django endpoint that stores one row durably per request.

``POST /insert`` parses the JSON body and inserts it as ONE row (one transaction, one
durable commit), answering 201. Same database options as pingyi: SQLite in WAL mode with
``synchronous=FULL`` and immediate transactions (``BASELINE_DATA_DIR``), or PostgreSQL
(``DATABASE_URL``, fsync on). Django's default (``startproject``) middleware. Served by
gunicorn, uvicorn or granian (see ``benchmarks/run.py``).
"""
