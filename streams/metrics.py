"""The platform's Prometheus metrics: what every agent process exports, whatever the agent does.

The runner's `Processor` is the one place every event passes, so the per-agent series are
recorded there once (events in and out per topic, handle time, batch sizes, errors, dead
letters, how old the claim's chain is when the agent's outputs are confirmed); breakers
report their state through a listener; consumer lag is sampled by the worker from the end
offsets its broker watch already asks for. Domain libraries declare their own series
(OCR pages, embedding and FAISS time, claims by status, the review backlog) next to the code
that measures them, in the same process registry. Every name starts with `claimflow_`;
docs/observability.md lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiobreaker import CircuitBreaker, CircuitBreakerListener, CircuitBreakerState
from prometheus_client import Counter, Gauge, Histogram

# Seconds: from a 5 ms hop to a minute-long OCR batch.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Seconds from a claim's ingest to an agent's output: the pipeline takes seconds to minutes.
CHAIN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

EVENTS_CONSUMED = Counter(
    "claimflow_events_consumed", "Records an agent took from a topic (poison included).", ["agent", "topic"]
)
EVENTS_EMITTED = Counter(
    "claimflow_events_emitted",
    "Records an agent emitted to a topic, counted once the broker confirmed them.",
    ["agent", "topic"],
)
HANDLE_SECONDS = Histogram(
    "claimflow_agent_handle_seconds",
    "Seconds one batch spends in an agent: decode, handle (with retries) and every output confirmed.",
    ["agent"],
    buckets=LATENCY_BUCKETS,
)
BATCH_SIZE = Histogram(
    "claimflow_agent_batch_size", "Records per batch an agent handles.", ["agent"], buckets=BATCH_BUCKETS
)
ERRORS = Counter(
    "claimflow_agent_errors",
    "Failures inside an agent by exception type: each failed try of a batch or an event, and each "
    "record that could not be decoded.",
    ["agent", "error_type"],
)
DEAD_LETTERS = Counter(
    "claimflow_dead_letters",
    "Records an agent sent to a dead-letter topic, by the topic they came from and the error.",
    ["agent", "topic", "error_type"],
)
CHAIN_SECONDS = Histogram(
    "claimflow_chain_latency_seconds",
    "Seconds from the claim's first record on the log (its claim.ingested record) to this agent's "
    "outputs confirmed; the reporter's is the end-to-end claim latency.",
    ["agent"],
    buckets=CHAIN_BUCKETS,
)
# CPU seconds per event: from a cheap hop (well under a millisecond) to a claim's OCR and embedding.
CPU_BUCKETS = (0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
CPU_SECONDS = Histogram(
    "claimflow_agent_cpu_seconds",
    "CPU seconds an agent spent per event (the process time of its batch's handling split evenly "
    "across the batch): the cost per claim of this agent.",
    ["agent"],
    buckets=CPU_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "claimflow_consumer_lag",
    "Records on a partition this worker is assigned that its group has not processed yet.",
    ["agent", "topic", "partition"],
)
BREAKER_OPEN = Gauge(
    "claimflow_breaker_open",
    "1 while a dependency's circuit breaker refuses calls, else 0 (half-open counts as 0).",
    ["dependency"],
)


class BreakerGauge(CircuitBreakerListener):
    """Keeps `claimflow_breaker_open` in step with one breaker's state changes."""

    def state_change(self, breaker: CircuitBreaker, old: object, new: object) -> None:
        state = getattr(new, "state", None)
        BREAKER_OPEN.labels(breaker.name).set(1 if state == CircuitBreakerState.OPEN else 0)


def watch_breaker(breaker: CircuitBreaker) -> None:
    """Export `breaker`'s state from now on (closed until it opens)."""
    BREAKER_OPEN.labels(breaker.name).set(1 if breaker.current_state == CircuitBreakerState.OPEN else 0)
    breaker.add_listener(BreakerGauge())


def consumer_lag(
    assigned: Iterable[tuple[str, int]],
    ends: Mapping[tuple[str, int], int],
    done: Mapping[tuple[str, int], int],
) -> dict[tuple[str, int], int]:
    """Lag per assigned partition: its end offset minus the next offset the group will process.

    `done` holds the next offset to process where known (the group's commit, or past the last
    record this worker confirmed, whichever is further); a partition with no known end is left
    out, one with no known position counts from 0 (nothing of it processed yet).
    """
    return {tp: max(0, ends[tp] - done.get(tp, 0)) for tp in assigned if tp in ends}


def set_consumer_lag(agent: str, lag: Mapping[tuple[str, int], int]) -> None:
    """Replace the worker's lag series with `lag` (partitions it lost in a rebalance disappear).

    Scrapes are served on the worker's event loop, so none sees the series half replaced.
    """
    CONSUMER_LAG.clear()
    for (topic, partition), value in lag.items():
        CONSUMER_LAG.labels(agent, topic, str(partition)).set(value)
