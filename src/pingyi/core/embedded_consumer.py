"""``pingyi serve``'s own task consumer in embedded mode: one ``pingyi worker --embedded``
child process beside granian, so one command still runs everything (docs/tasks.md).

- Started before granian, in a session of its own (a Ctrl-C in the terminal reaches
  ``serve``, which stops the consumer itself, in order).
- Stopped when ``serve`` returns, whatever made it return (SIGTERM, SIGINT, an error):
  SIGTERM (the consumer finishes its running tasks), then SIGKILL after ``stop_seconds``,
  and reaped. If ``serve`` itself is killed outright, the kernel stops the consumer
  (``PR_SET_PDEATHSIG``, set by the worker) and the worker also watches its parent.
- A consumer that dies is started again after a pause that doubles from 1 s up to 60 s
  (back to 1 s once one has run for a minute), and ``serve`` says so on stderr.

No Django here: this module only runs and watches a process
(``tests/core/test_tasks_serve.py``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess  # nosec B404 # the server's own consumer: our interpreter, our verb
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0
#: A consumer that ran this long before dying was healthy: the next pause starts over.
HEALTHY_SECONDS = 60.0


def worker_command() -> list[str]:
    return [sys.executable, "-m", "pingyi", "worker", "--embedded"]


def _say(message: str) -> None:
    print(f"pingyi serve: {message}", file=sys.stderr, flush=True)


class EmbeddedConsumer:
    """One supervised consumer process (see the module)."""

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        stop_seconds: float = 10.0,
        first_pause: float = FIRST_PAUSE,
        say: Callable[[str], None] = _say,
    ) -> None:
        self.command = list(command or worker_command())
        self.stop_seconds = stop_seconds
        self.first_pause = first_pause
        self.say = say
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, PINGYI_QUEUE_PARENT=str(os.getpid()))
        return subprocess.Popen(  # noqa: S603  # nosec B603 # our own interpreter and verb, no shell
            self.command, env=env, start_new_session=True
        )

    def start(self) -> None:
        with self._lock:
            self.process = self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="queue-consumer", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        pause = self.first_pause
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= HEALTHY_SECONDS:
                pause = self.first_pause
            self.say(
                f"the task consumer (pid {process.pid}) stopped with code {code}; "
                f"starting it again in {pause:g} s"
            )
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, LONGEST_PAUSE)
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = self._spawn()
                self.restarts += 1
            self.say(f"the task consumer runs again (pid {self.process.pid})")

    def stop(self) -> int | None:
        """Stop the consumer and reap it; its exit code (None if it was never started)."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None:
            return None
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                process.wait(self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.say(f"the task consumer did not stop in {self.stop_seconds:g} s: killed")
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        return process.returncode


@contextlib.contextmanager
def embedded_consumer(enabled: bool) -> Iterator[EmbeddedConsumer | None]:
    """Run the consumer for the duration of the block (when ``enabled``)."""
    if not enabled:
        yield None
        return
    consumer = EmbeddedConsumer()
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop()
