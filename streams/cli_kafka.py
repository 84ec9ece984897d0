"""`claimflow topics | tail | replay`: look at the log and reprocess from it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from confluent_kafka import Consumer, TopicPartition
from rich.console import Console
from rich.progress import Progress
from rich.table import Column, Table

from streams.codec import get_codec
from streams.errors import ClaimFlowError, SchemaError
from streams.events import epoch_event_id
from streams.jsonout import dumps
from streams.kafka_io import (
    PartitionRange,
    flush_or_fail,
    follow,
    log_bounds,
    make_consumer,
    make_producer,
    offsets_at,
    placed,
    read_range,
)
from streams.settings import get_settings
from streams.telemetry import trace_id_of
from streams.topology import TopicSpec, Topology, load_topology

console = Console()
REPLAY_HEADER = "claimflow-replay-of"
EPOCH_HEADER = "claimflow-epoch"


def _topology() -> Topology:
    return load_topology(get_settings().topology_file)


def _topic(name: str) -> TopicSpec:
    try:
        return _topology().topic(name)
    except ClaimFlowError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _consumer() -> Consumer:
    return make_consumer(get_settings().kafka())


def topics() -> None:
    """Every declared topic: partitions, messages on the log, and each agent group's lag."""
    topology = _topology()
    consumer = _consumer()
    table = Table(Column("topic", no_wrap=True), "partitions", "messages", "lag per consumer group")
    try:
        for spec in topology.topics.values():
            marks = log_bounds(consumer, spec.name, spec.partitions)
            ends = [high for _, high in marks]
            readers = [a for a in topology.agents.values() if spec.name in a.consumes]
            lags = []
            for agent in readers:
                group = make_consumer(get_settings().kafka(), group_id=agent.group_id)
                try:
                    committed = group.committed(
                        [TopicPartition(spec.name, p) for p in range(spec.partitions)], timeout=10
                    )
                finally:
                    group.close()
                lag = sum(
                    end - max(tp.offset, low)
                    for tp, end, (low, _) in zip(committed, ends, marks, strict=True)
                )
                lags.append(f"{agent.name}={lag}")
            table.add_row(spec.name, str(spec.partitions), str(sum(ends)), " ".join(lags))
    finally:
        consumer.close()
    console.print(table)


def _print_message(spec: TopicSpec, msg: object) -> None:
    codec = get_codec(get_settings().schemas_dir, spec.schema_name)
    raw = msg.value() or b""  # type: ignore[attr-defined]
    try:
        value: object = codec.decode(raw)
    except SchemaError as exc:
        value = {"undecodable": str(exc)}
    headers = msg.headers() or []  # type: ignore[attr-defined]
    key = msg.key()  # type: ignore[attr-defined]
    line = {
        "topic": spec.name,
        "partition": msg.partition(),  # type: ignore[attr-defined]
        "offset": msg.offset(),  # type: ignore[attr-defined]
        "timestamp_ms": msg.timestamp()[1],  # type: ignore[attr-defined]
        "key": key.decode("utf-8", "replace") if key else None,
        "trace_id": trace_id_of(headers),
        "value": value,
    }
    typer.echo(dumps(line))


def tail(
    topic: Annotated[str, typer.Argument(help="Topic name as declared in topology.yaml.")],
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="Start at the oldest message.")
    ] = False,
    follow_: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new messages.")] = False,
    last: Annotated[int, typer.Option(help="Without --from-beginning: messages per partition to show.")] = 10,
) -> None:
    """Print a topic's events decoded, one JSON object per line."""
    spec = _topic(topic)
    consumer = _consumer()
    try:
        marks = log_bounds(consumer, spec.name, spec.partitions)
        ranges = [
            PartitionRange(p, low if from_beginning else max(low, high - last), high)
            for p, (low, high) in enumerate(marks)
        ]
        for msg in read_range(consumer, spec.name, ranges):
            _print_message(spec, msg)
        if follow_:
            consumer.assign([TopicPartition(spec.name, p, high) for p, (_, high) in enumerate(marks)])
            for msg in follow(consumer, spec.name, spec.partitions, from_beginning=False, assigned=True):
                _print_message(spec, msg)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()


def _start_offsets(
    consumer: Consumer,
    spec: TopicSpec,
    marks: list[tuple[int, int]],
    from_offset: int | None,
    since: datetime | None,
) -> list[int]:
    if since is not None:
        return offsets_at(consumer, spec, marks, int(since.timestamp() * 1000))
    if from_offset is not None:
        return [max(low, from_offset) for low, _ in marks]
    return [low for low, _ in marks]


def replay(
    topic: Annotated[str, typer.Argument(help="Topic to re-publish (e.g. the ingest topic).")],
    from_beginning: Annotated[bool, typer.Option("--from-beginning")] = False,
    from_offset: Annotated[int | None, typer.Option(help="Start at this offset in every partition.")] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Start at the first message at or after this time.")
    ] = None,
    reassess: Annotated[
        bool,
        typer.Option(
            "--reassess",
            help="Start a new processing epoch: the events get new ids, so every claim is assessed again "
            "and gets a new report revision (without it a replay changes nothing).",
        ),
    ] = False,
    epoch: Annotated[
        str | None, typer.Option(help="With --reassess: the epoch's name (default: the time now, UTC).")
    ] = None,
) -> None:
    """Re-publish a range of a topic onto itself so the pipeline reprocesses it.

    Without --reassess the outcomes stay idempotent (same event ids, nothing changes); with it the
    claims are re-assessed under the agents' current rules and models, and `claimflow diff --since`
    shows what changed.
    """
    if sum([from_beginning, from_offset is not None, since is not None]) != 1:
        raise typer.BadParameter("give exactly one of --from-beginning, --from-offset, --since")
    if epoch is not None and not reassess:
        raise typer.BadParameter("--epoch goes with --reassess")
    spec = _topic(topic)
    if spec.is_dead_letter:
        raise typer.BadParameter(f"{spec.name} holds dead letters: use `claimflow dlq redrive`")
    settings = get_settings()
    started = datetime.now(UTC)
    epoch = epoch or started.strftime("%Y%m%dT%H%M%SZ")
    codec = get_codec(settings.schemas_dir, spec.schema_name) if reassess else None
    consumer = _consumer()
    producer = make_producer(settings.kafka())
    count = skipped = 0
    # The broker may answer a time with the start of the batch that holds it: the range is cut
    # again on each message's own timestamp, so exactly what was asked for is replayed.
    since_ms = int(since.timestamp() * 1000) if since is not None else None
    try:
        marks = log_bounds(consumer, spec.name, spec.partitions)
        starts = _start_offsets(consumer, spec, marks, from_offset, since)
        ranges = [
            PartitionRange(p, s, high) for p, (s, (_, high)) in enumerate(zip(starts, marks, strict=True))
        ]
        total = sum(r.end - r.start for r in ranges)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"replaying {spec.name}", total=total)
            for msg in read_range(consumer, spec.name, ranges):
                progress.advance(task)
                if since_ms is not None and msg.timestamp()[1] < since_ms:
                    continue
                origin = f"{spec.name}[{msg.partition()}]@{msg.offset()}".encode()
                headers = [(k, v) for k, v in (msg.headers() or []) if k not in (REPLAY_HEADER, EPOCH_HEADER)]
                value = msg.value()
                if codec is not None:
                    try:
                        record = codec.decode(value)
                    except SchemaError:
                        skipped += 1  # a poison message: it is a dead letter already
                        continue
                    record["event_id"] = epoch_event_id(record["event_id"], epoch)
                    value = codec.encode(record)
                    headers.append((EPOCH_HEADER, epoch.encode()))
                producer.produce(
                    spec.name,
                    key=msg.key(),
                    value=value,
                    headers=[*headers, (REPLAY_HEADER, origin)],
                    **placed(spec, msg.key()),
                )
                producer.poll(0)
                count += 1
        flush_or_fail(producer)
    finally:
        consumer.close()
    console.print(f"re-published {count} message(s) to {spec.name}")
    if reassess:
        if skipped:
            console.print(f"{skipped} message(s) that are no {spec.schema_name} event were left out")
        console.print(
            f"epoch {epoch}: every claim gets a new report revision; "
            f"what changed: claimflow diff --since {started.isoformat(timespec='seconds')}"
        )
