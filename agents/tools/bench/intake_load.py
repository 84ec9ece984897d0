"""The intake API under load: many concurrent clients submitting claims over HTTPS, some of them twice.

Each client is an `httpx.AsyncClient` of its own (its own TLS connection, its own token, its own
client id) that submits its claims one after the other, each with its own Idempotency-Key, and
behaves as a careful client does: on 409 (the same key still being received), 429, 5xx or a
transport error it retries with the same key after a jittered backoff (honouring `Retry-After`).
Some claims are deliberately sent twice with one key: again after the answer came (an answer
lost on the way back) or a second copy while the first is still in flight (a retry fired by a
client-side timeout). Every answer is recorded; `analyse` turns them into the figures and the
client-side checks, `verify_on_stack` checks what the stack holds: every accepted claim
published on claim.ingested exactly once, its documents in the object store, one registry row
per key, and nothing for a key beyond its first claim.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from agents.events import ClaimIngested
from agents.intake.api import IntakeRegistry
from agents.tools.bench.metrics import percentiles
from streams import Settings, get_codec, load_topology
from streams.errors import DecodeError
from streams.kafka_io import read_topic
from streams.objectstore_s3 import S3ObjectStore, S3Settings

ATTEMPTS = 8
TIMEOUT_S = 60.0
RETRYABLE = frozenset({409, 429, 500, 502, 503, 504})
BACKOFF_S, BACKOFF_MAX_S = 0.2, 5.0


@dataclass(frozen=True)
class LoadPlan:
    """How many clients send how many claims, and how often a claim is sent twice with one key."""

    clients: int = 200
    claims_per_client: int = 10
    repeat_share: float = 0.1
    """Claims sent again with their key after the first answer came back (a lost answer)."""
    concurrent_repeat_share: float = 0.05
    """Claims sent twice at once with one key (a retry while the first is in flight)."""
    region: str = "EU"
    seed: int = 15
    run_id: str = "load"

    @property
    def claims(self) -> int:
        return self.clients * self.claims_per_client

    def client_id(self, index: int) -> str:
        return f"{self.run_id}-client-{index:04d}"


@dataclass(frozen=True)
class LoadTarget:
    """Where the API is, how to trust it and be trusted, and a token per client id."""

    url: str
    token_for: Callable[[str], str]
    ca_certs: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca_certs) if self.ca_certs else None)
        if self.cert is not None:
            context.load_cert_chain(str(self.cert), str(self.key) if self.key else None)
        return context


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange (or a transport failure) of one claim's key."""

    key: str
    status: str
    """The HTTP status, or the transport error's class name."""
    started_s: float
    """Seconds since the run began."""
    latency_ms: float
    claim_id: str | None = None
    replayed: bool = False
    kind: str = "first"
    """`first`, `repeat` (sent again after the answer) or `concurrent` (second copy in flight)."""


@dataclass
class LoadRun:
    """Every answer of a run, and its wall time."""

    plan: LoadPlan
    answers: list[Answer] = field(default_factory=list)
    wall_s: float = 0.0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


async def _send(
    http: httpx.AsyncClient,
    key: str,
    documents: Sequence[tuple[str, bytes, str]],
    region: str,
    kind: str,
    origin: float,
    record: Callable[[Answer], None],
) -> None:
    """Submit one claim with `key` until it is accepted, refused for good, or the attempts run out."""
    for attempt in range(1, ATTEMPTS + 1):
        started = time.perf_counter()
        retry_after = 0.0
        try:
            response = await http.post(
                "/v1/claims",
                headers={"Idempotency-Key": key},
                data={"region": region},
                files=[("documents", doc) for doc in documents],
            )
        except httpx.TransportError as exc:
            record(Answer(key, type(exc).__name__, started - origin, (time.perf_counter() - started) * 1e3))
        else:
            elapsed = (time.perf_counter() - started) * 1e3
            body: dict[str, Any] = response.json() if response.status_code == 202 else {}
            record(
                Answer(
                    key,
                    str(response.status_code),
                    started - origin,
                    elapsed,
                    body.get("claim_id"),
                    bool(body.get("replayed")),
                    kind,
                )
            )
            if response.status_code == 202 or response.status_code not in RETRYABLE:
                return
            asked = response.headers.get("Retry-After", "")
            retry_after = float(asked) if asked.isdigit() else 0.0
        backoff = min(BACKOFF_MAX_S, BACKOFF_S * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
        await asyncio.sleep(max(retry_after, backoff))  # a client's backoff with jitter, not a test's wait


async def _client(
    target: LoadTarget,
    plan: LoadPlan,
    index: int,
    documents: Sequence[tuple[str, bytes, str]],
    origin: float,
    record: Callable[[Answer], None],
) -> None:
    rng = random.Random(plan.seed * 100_003 + index)
    client_id = plan.client_id(index)
    async with httpx.AsyncClient(
        base_url=target.url.rstrip("/"),
        verify=target.ssl_context(),
        timeout=TIMEOUT_S,
        headers={"Authorization": f"Bearer {target.token_for(client_id)}"},
    ) as http:
        for j in range(plan.claims_per_client):
            key = f"{client_id}-{j:04d}"
            draw = rng.random()
            if draw < plan.concurrent_repeat_share:
                await asyncio.gather(
                    _send(http, key, documents, plan.region, "first", origin, record),
                    _send(http, key, documents, plan.region, "concurrent", origin, record),
                )
            else:
                await _send(http, key, documents, plan.region, "first", origin, record)
                if draw < plan.concurrent_repeat_share + plan.repeat_share:
                    await _send(http, key, documents, plan.region, "repeat", origin, record)


async def drive(
    target: LoadTarget,
    plan: LoadPlan,
    documents: Sequence[tuple[str, bytes, str]],
    *,
    on_answer: Callable[[Answer], None] = lambda _: None,
) -> LoadRun:
    """Run `plan.clients` clients at once against `target`; every answer recorded.

    Args:
        documents: (file name, bytes, media type) of the documents every claim carries.
        on_answer: Called with each answer as it comes (the progress bar).
    """
    run = LoadRun(plan)

    def record(answer: Answer) -> None:
        run.answers.append(answer)
        on_answer(answer)

    run.started_at = datetime.now(UTC)
    origin = time.perf_counter()
    await asyncio.gather(*(_client(target, plan, i, documents, origin, record) for i in range(plan.clients)))
    run.wall_s = time.perf_counter() - origin
    return run


def analyse(run: LoadRun) -> dict[str, Any]:
    """Throughput, accept latency, answers by status and the client-side checks of one run.

    A claim is accepted when a 202 came for its key; its accept latency is that of the answer that
    created it (`replayed` false). A key answered with two claim ids, or created twice, is a
    second claim.
    """
    by_key: dict[str, set[str]] = defaultdict(set)
    created: Counter[str] = Counter()
    latencies: list[float] = []
    accepts_at: list[float] = []
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for a in run.answers:
        statuses[a.status] += 1
        if a.status != "202" or a.claim_id is None:
            continue
        by_key[a.key].add(a.claim_id)
        kinds[a.kind] += 1
        if not a.replayed:
            created[a.key] += 1
            latencies.append(a.latency_ms)
            accepts_at.append(a.started_s + a.latency_ms / 1e3)
    keys = {f"{run.plan.client_id(i)}-{j:04d}" for i in range(run.plan.clients)
            for j in range(run.plan.claims_per_client)}  # fmt: skip
    accepted = {key: next(iter(ids)) for key, ids in by_key.items() if len(ids) == 1}
    span_s = max(accepts_at, default=0.0) - min((a.started_s for a in run.answers), default=0.0)
    return {
        "claims": run.plan.claims,
        "requests": len(run.answers),
        "accepted": len(by_key),
        "not_accepted": sorted(keys - by_key.keys()),
        "second_claims": sorted(k for k, ids in by_key.items() if len(ids) > 1 or created[k] > 1),
        "replayed_answers": sum(1 for a in run.answers if a.status == "202" and a.replayed),
        "answers_by_status": dict(sorted(statuses.items())),
        "errors_by_status": {s: n for s, n in sorted(statuses.items()) if s != "202"},
        "accepted_by_kind": dict(kinds),
        "wall_s": run.wall_s,
        "accepted_per_s": len(latencies) / span_s if span_s > 0 else 0.0,
        "accept_latency_ms": percentiles(latencies),
        "accepted_claims": accepted,
        "series": {"accept_latency_ms": latencies, "accepted_at_s": sorted(accepts_at)},
    }


@dataclass(frozen=True)
class StackCheck:
    """What the stack holds for a run's accepted claims."""

    published: dict[str, int]
    """Accepted claim id → how many times claim.ingested carries it."""
    lost_in_log: list[str]
    duplicated_in_log: list[str]
    unacknowledged: list[str]
    """Claims published for the run's clients that no client was told about."""
    lost_in_store: list[str]
    orphan_objects: list[str]
    """Claims with objects written during the run but on no claim.ingested (a refusal that left bytes)."""
    registry_rows: int
    registry_mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not (
            self.lost_in_log
            or self.duplicated_in_log
            or self.unacknowledged
            or self.lost_in_store
            or self.orphan_objects
            or self.registry_mismatches
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "published_once": sum(1 for n in self.published.values() if n == 1),
            "lost_in_log": self.lost_in_log,
            "duplicated_in_log": self.duplicated_in_log,
            "unacknowledged": self.unacknowledged,
            "lost_in_store": self.lost_in_store,
            "orphan_objects": self.orphan_objects,
            "registry_rows": self.registry_rows,
            "registry_mismatches": self.registry_mismatches,
        }


def _ingested(settings: Settings) -> list[ClaimIngested]:
    topology = load_topology(settings.topology_file)
    topic = topology.topic_for_schema(ClaimIngested.avro_schema)
    codec = get_codec(settings.schemas_dir, topic.schema_name)
    found = []
    for message in read_topic(settings.kafka(), topic):
        try:
            found.append(ClaimIngested.model_validate(codec.decode(message.value())))
        except (DecodeError, ValueError):
            continue  # another producer's poison message (tests publish some on purpose)
    return found


def _s3_objects(
    settings: Settings, s3: S3Settings, since: datetime
) -> dict[tuple[str, str], tuple[int, bool]]:
    """(bucket, key) → (size, written at or after `since`) of every object in each region's bucket,
    listed with that region's endpoint and credentials."""
    from streams import devstack_s3

    store = S3ObjectStore(settings.object_store_root, settings=s3)
    found: dict[tuple[str, str], tuple[int, bool]] = {}
    for region in load_topology(settings.topology_file).regions:
        endpoint, key_id, secret, s3_region = store.access_for(region)
        client = devstack_s3.client(endpoint or None, key_id, secret.get_secret_value(), s3_region)  # type: ignore[arg-type]  # None: AWS
        bucket = store.bucket_for(region)
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[(bucket, item["Key"])] = (int(item["Size"]), item["LastModified"] >= since)
    return found


async def _registry(settings: Settings, client_ids: list[str]) -> dict[tuple[str, str], str]:
    async with IntakeRegistry(settings.postgres_dsn.get_secret_value()) as registry:
        rows = await registry.accepted_by(client_ids)
    return {(r.client_id, r.idempotency_key or ""): r.claim_id for r in rows}


def verify_on_stack(
    settings: Settings, run: LoadRun, analysis: dict[str, Any], s3: S3Settings | None = None
) -> StackCheck:
    """Read claim.ingested, the object store (S3) and the intake registry back for the run's claims.

    `settings` and `s3` (default: this process's S3 section) name the stack the API published to
    and stored in.
    """
    if not settings.object_store_root.startswith("s3://"):
        raise ValueError(f"the load test checks an S3 store; the stack's is {settings.object_store_root}")
    accepted: dict[str, str] = analysis["accepted_claims"]
    wanted = set(accepted.values())
    prefix = f"api:{run.plan.run_id}-client-"
    events = _ingested(settings)
    counts = Counter(e.claim_id for e in events if e.claim_id in wanted)
    ours = {e.claim_id for e in events if e.submitted_by.startswith(prefix)}
    # S3 keeps LastModified to the second: objects from the second before the run count as the run's.
    objects = _s3_objects(settings, s3 or S3Settings.current(), run.started_at - timedelta(seconds=1))
    lost_in_store = set()
    for event in (e for e in events if e.claim_id in wanted):
        for doc in event.documents:
            where = urlsplit(doc.uri)
            size, _recent = objects.get((where.netloc, where.path.lstrip("/")), (-1, False))
            if size != doc.size_bytes:
                lost_in_store.add(event.claim_id)
    stored_claims = {key.rsplit("/", 2)[-2] for (_b, key), (_s, recent) in objects.items() if recent}
    known = {e.claim_id for e in events}
    client_ids = [run.plan.client_id(i) for i in range(run.plan.clients)]
    rows = asyncio.run(_registry(settings, client_ids))
    mismatches = [
        key for key, claim_id in accepted.items() if rows.get((key.rsplit("-", 1)[0], key)) != claim_id
    ]
    return StackCheck(
        published={c: counts[c] for c in sorted(wanted)},
        lost_in_log=sorted(wanted - counts.keys()),
        duplicated_in_log=sorted(c for c, n in counts.items() if n > 1),
        unacknowledged=sorted(ours - wanted),
        lost_in_store=sorted(lost_in_store),
        orphan_objects=sorted(stored_claims - known),
        registry_rows=len(rows),
        registry_mismatches=sorted(mismatches + [f"{c}/{k}" for c, k in rows if k not in accepted]),
    )
