"""Pure arithmetic over events read back from the log: no broker, no clock, unit-testable.

Every figure comes from the events themselves, so a bench number means the same thing
on the embedded stack and on a production cluster:

- arrival of an event at an agent = the Kafka timestamp of its input message (the
  upstream producer's send time, or the broker's append time on LogAppendTime topics);
- departure = the output's `event_time`, which `Event.follow` stamps when the agent has
  finished the work (`streams.events`);
- emit = output Kafka timestamp - output `event_time` (serialising and handing to the producer).

Service versus queueing is split with the busy-period rule of a sequential server: an
event starts when it has arrived and the server's previous output has left,
``start = max(arrival, previous departure)``. For a batch the first event carries the
whole batch's busy time and the rest carry ~0, so per-event service is only reported as
a mean (amortised ms per claim, which is what capacity planning needs) and as utilisation.

Caveat: from the log alone, the time an idle agent takes to *receive* an event (the
consumer's fetch wait) is indistinguishable from work, so it counts as service; compare
with the agent's CPU %. When outputs carry the optional `claimflow-started-ms` header
(the time the runner took the batch), a job is ready no earlier than that, and delivery
delay moves from service to wait where it belongs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogEvent:
    """One event as read back from the log: coordinates, the two timestamps and the chain links."""

    topic: str
    partition: int
    offset: int
    log_ms: int
    event_ms: int
    event_id: str
    claim_id: str
    causation_id: str | None
    worker: str | None = None
    started_ms: int | None = None


@dataclass(frozen=True)
class Hop:
    """One input→output pass through an agent; `server` identifies the process that did it."""

    claim_id: str
    arrival_ms: int
    departure_ms: int
    emitted_ms: int
    server: Hashable
    started_ms: int | None = None


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99, mean and max (linear interpolation); zeros for no data, so JSON stays well-formed."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "max": 0.0}
    arr = np.asarray(values, dtype=float)
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "mean": float(arr.mean()),
        "max": float(arr.max()),
    }


def first_per_claim(events: Iterable[LogEvent], claims: set[str]) -> dict[str, LogEvent]:
    """The earliest event of each wanted claim; later ones are at-least-once duplicates or replays."""
    first: dict[str, LogEvent] = {}
    for event in events:
        if event.claim_id not in claims:
            continue
        seen = first.get(event.claim_id)
        if seen is None or event.log_ms < seen.log_ms:
            first[event.claim_id] = event
    return first


def end_to_end_ms(ingested: dict[str, LogEvent], reported: dict[str, LogEvent]) -> dict[str, int]:
    """Per claim: claim.ingested log time → report.ready log time, for claims that have both."""
    return {claim: reported[claim].log_ms - ingested[claim].log_ms for claim in ingested if claim in reported}


def hops(
    inputs: Iterable[LogEvent],
    outputs: Iterable[LogEvent],
    claims: set[str],
    server_of: dict[tuple[str, int], Hashable] | None = None,
) -> list[Hop]:
    """Join each output to the input that caused it (`causation_id` = input `event_id`).

    Args:
        inputs: Events on the agent's input topic(s).
        outputs: Events on its output topic(s).
        claims: Only these claims count (warm-up and other runs are ignored).
        server_of: (topic, partition) of the input → the process that owns it. None: one server.
            An output that names its worker (header) is attributed to that worker instead.
    """
    by_id = {e.event_id: e for e in inputs if e.claim_id in claims}
    joined: dict[str, Hop] = {}
    for out in outputs:
        cause = by_id.get(out.causation_id or "")
        if cause is None or out.causation_id in joined:
            continue  # a duplicate output of a redelivered input: the first one is the measurement
        server: Hashable = "all" if server_of is None else server_of.get((cause.topic, cause.partition), "?")
        if out.worker is not None:
            server = out.worker
        joined[cause.event_id] = Hop(
            out.claim_id, cause.log_ms, out.event_ms, out.log_ms, server, out.started_ms
        )
    return list(joined.values())


@dataclass(frozen=True)
class StageFigures:
    """Where an agent's time goes, per claim (milliseconds) and as a share of the run."""

    events: int
    residence_ms: dict[str, float]
    service_ms_mean: float
    wait_ms_mean: float
    emit_ms_mean: float
    utilisation: float
    servers: int


def split_service(jobs: Sequence[tuple[int, ...]]) -> tuple[list[float], list[float]]:
    """Service and wait of each job of ONE sequential server, in departure order.

    A job is (arrival, departure) or (arrival, departure, taken): `taken`, when known, is
    when the agent took the job's batch, so the job cannot have started earlier.
    """
    service: list[float] = []
    wait: list[float] = []
    previous = -(2**62)
    for arrival, departure, *taken in sorted(jobs, key=lambda j: (j[1], j[0])):
        ready = max([arrival, *taken])
        start = min(max(ready, previous), departure)
        service.append(float(departure - start))
        wait.append(float(max(0, start - arrival)))
        previous = max(previous, departure)
    return service, wait


def stage_figures(stage_hops: Sequence[Hop], window_ms: float) -> StageFigures:
    """Residence percentiles, amortised service and wait, emit cost and utilisation of one agent."""
    by_server: dict[Hashable, list[tuple[int, ...]]] = defaultdict(list)
    for hop in stage_hops:
        taken = () if hop.started_ms is None else (hop.started_ms,)
        by_server[hop.server].append((hop.arrival_ms, hop.departure_ms, *taken))
    service: list[float] = []
    wait: list[float] = []
    for jobs in by_server.values():
        s, w = split_service(jobs)
        service += s
        wait += w
    count = len(stage_hops)
    busy = sum(service)
    servers = max(1, len(by_server))
    return StageFigures(
        events=count,
        residence_ms=percentiles([max(0, h.departure_ms - h.arrival_ms) for h in stage_hops]),
        service_ms_mean=busy / count if count else 0.0,
        wait_ms_mean=sum(wait) / count if count else 0.0,
        emit_ms_mean=float(np.mean([h.emitted_ms - h.departure_ms for h in stage_hops])) if count else 0.0,
        utilisation=busy / (window_ms * servers) if window_ms > 0 else 0.0,
        servers=len(by_server),
    )


def rate_series(times_ms: Iterable[int], origin_ms: int, bin_s: float) -> list[tuple[float, float]]:
    """Events per second in consecutive bins of `bin_s`, as (bin start in s since origin, rate)."""
    offsets = [(t - origin_ms) / 1000 for t in times_ms]
    if not offsets:
        return []
    bins = int(max(offsets) // bin_s) + 1
    counts = [0] * bins
    for offset in offsets:
        counts[max(0, int(offset // bin_s))] += 1
    return [(i * bin_s, c / bin_s) for i, c in enumerate(counts)]


def throughput(ingested: dict[str, LogEvent], reported: dict[str, LogEvent]) -> dict[str, float]:
    """Claims per second and per hour from the first ingestion to the last report of the measured set."""
    if not reported:
        return {"claims_per_s": 0.0, "claims_per_hour": 0.0, "window_s": 0.0, "submit_s": 0.0}
    start = min(e.log_ms for e in ingested.values())
    end = max(e.log_ms for e in reported.values())
    window_s = max(end - start, 1) / 1000
    per_s = len(reported) / window_s
    submit_s = (max(e.log_ms for e in ingested.values()) - start) / 1000
    return {
        "claims_per_s": per_s,
        "claims_per_hour": per_s * 3600,
        "window_s": window_s,
        "submit_s": submit_s,
    }
