"""The embedded stack's S3 server process: moto's server, its writes applied one at a time.

moto's own `moto_server` is threaded: each request is appended to the recording when it arrives,
then handled, with nothing ordering the two across threads; and its conditional PUT (`If-Match`,
`If-None-Match: *`) checks and then writes with no lock between. Tansu's `s3://` engine moves
a partition's watermark by conditional PUTs that race one another (concurrent produces), so

- two conditional PUTs from the same state could both succeed on the live server, where S3
  lets exactly one win (seen here: 1 of 320 contended updates);
- the recording listed writes in another order than the one they took effect in, and a replay
  (which re-runs every recorded write, the refused ones too) rebuilt a different object: after a
  kill -9 and replay, contended counters came back at 331 and 537 where 1,440 and 1,435 had been
  acknowledged. That is the broker's log ending early after an S3 server kill -9 (docs/chaos.md,
  finding 2): moto's durability, not Tansu's acknowledgement (Tansu answers a produce only
  after both the watermark PUT and the batch PUT succeeded).

Serving every write (anything but GET and HEAD) under one lock, recording included, makes the
recording's order the order of effect and each conditional write atomic, as on S3; reads stay
concurrent. moto's control endpoints (`/moto-api/`) are left out: a replay sends the recorded
requests to this very server and would wait on itself. The arguments are `moto_server`'s.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_CONTROL_PREFIX = "/moto-api/"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerialWrites:
    """WSGI middleware: one write at a time, recorded and applied before the next one starts."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in _READS or str(environ.get("PATH_INFO", "")).startswith(_CONTROL_PREFIX):
            return self.app(environ, start_response)
        with self._lock:
            # moto answers with a body already built: the write has taken effect on return.
            return self.app(environ, start_response)


def _exit(signum: int, frame: Any) -> None:
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    """Serve moto's S3 (and every other moto backend) on HOST:PORT, writes serialised."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(prog="python -m streams.devstack_s3_server")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto builds its own URLs from it
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        SerialWrites(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
