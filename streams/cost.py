"""CPU time per agent per claim: measured by the processor, carried along the chain in a header.

The processor takes `time.process_time()` around an agent's handling of a batch and splits it
evenly across the batch's events. Each output carries, in the `claimflow-cpu-s` header, what its
cause carried plus this agent's share, so every record on the log says what its chain has cost
so far, agent by agent, and `claimflow trace` reads it back from the audit log. While an agent
handles a batch, `upstream_cpu(event)` gives it what its input carried (the reporter puts it in
the report's provenance).

The figure is the worker process's CPU, threads included (onnxruntime, FAISS): batches that
overlap in one process (concurrency > 1) are counted in each other's share, and work done in
child processes (the OCR helpers) is not counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from streams.events import Event

CPU_HEADER = "claimflow-cpu-s"
"""Header name: a JSON object of agent → CPU seconds spent on the record's chain so far."""

_UPSTREAM: ContextVar[Mapping[str, Mapping[str, float]] | None] = ContextVar(
    "claimflow_upstream_cpu", default=None
)


def cpu_of_headers(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, float]:
    """The CPU seconds per agent a record's header carries; empty when it has none or an unreadable one."""
    for name, value in headers:
        if name != CPU_HEADER or not value:
            continue
        try:
            found = json.loads(value)
        except (ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(found, dict):
            return {}
        return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}
    return {}


def cpu_header(spent: Mapping[str, float]) -> tuple[str, bytes]:
    """The header carrying `spent` (agent → seconds), to the microsecond."""
    return CPU_HEADER, json.dumps({k: round(v, 6) for k, v in spent.items()}, separators=(",", ":")).encode()


def with_share(upstream: Mapping[str, float], agent: str, seconds: float) -> dict[str, float]:
    """`upstream` plus `agent`'s `seconds` (added to what it already spent, e.g. on an earlier hop)."""
    spent = dict(upstream)
    spent[agent] = spent.get(agent, 0.0) + seconds
    return spent


@contextmanager
def upstream_cpu_of(spent: Mapping[str, Mapping[str, float]]) -> Iterator[None]:
    """Make each input's upstream CPU (by event id) visible to the agent while it handles the batch."""
    token = _UPSTREAM.set(spent)
    try:
        yield
    finally:
        _UPSTREAM.reset(token)


def upstream_cpu(event: Event) -> dict[str, float]:
    """CPU seconds every earlier agent of the chain spent on `event`'s claim, as its record carried them.

    Only while the agent handles the batch `event` came in; empty elsewhere (a test calling the
    agent directly, a record from a producer that sends no such header).
    """
    return dict((_UPSTREAM.get() or {}).get(event.event_id, {}))
