"""`claimflow dlq list | show | redrive`: look at what failed and send it back once it can succeed.

A dead letter keeps the original key, bytes and headers of the message an agent gave up on, and
where it sat on the log. `redrive` re-publishes those bytes to the topic they came from, with a
`claimflow-redrive-of` header naming the dead letter, so the agents process them again after a
fix (a late document, a schema or rules fix, a region now served). Redriving is idempotent: a
dead letter whose id is already named by a redriven message on its source topic is skipped, so
running the same redrive twice, or two operators at once after it finished, sends nothing twice.
Should the message fail again it becomes a new dead letter, which can be redriven in turn.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from streams.codec import get_codec
from streams.dead_letter import DeadLetter
from streams.errors import DecodeError
from streams.jsonout import dumps
from streams.kafka_io import flush_or_fail, make_producer, placed, read_topic
from streams.kafka_security import KafkaConnection
from streams.settings import get_settings
from streams.topology import TopicSpec, Topology, load_topology

REDRIVE_HEADER = "claimflow-redrive-of"
console = Console()
dlq_app = typer.Typer(
    help="Dead letters: list them, show one, and redrive them to their source topic after a fix.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class Letter:
    """A dead letter as read from its topic, with where it sits."""

    at: str
    timestamp_ms: int
    record: DeadLetter


@dataclass(frozen=True)
class Selection:
    """Which dead letters a command acts on; every criterion given must hold."""

    source_topic: str | None = None
    error_type: str | None = None
    claim_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __call__(self, letter: Letter) -> bool:
        record = letter.record
        when = datetime.fromtimestamp(letter.timestamp_ms / 1000, tz=UTC)
        return (
            (self.source_topic is None or record.source_topic == self.source_topic)
            and (self.error_type is None or record.error_type == self.error_type)
            and (self.claim_id is None or record.claim_id == self.claim_id)
            and (self.since is None or when >= _aware(self.since))
            and (self.until is None or when < _aware(self.until))
        )


@dataclass(frozen=True)
class RedriveCounts:
    """What a redrive did: dead letters selected, re-published, and skipped as already redriven."""

    selected: int
    redriven: int
    already: int
    by_topic: dict[str, int]
    withheld: int = 0
    """Letters of a region this deployment does not serve: no content kept, nothing to redrive."""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def dead_letters(topology: Topology, kafka: KafkaConnection, select: Selection = Selection()) -> list[Letter]:
    """Every dead letter on the log that `select` keeps, oldest first per dead-letter topic.

    A record on a dead-letter topic that is no dead letter (written there by hand) is reported in
    the list as an error rather than stopping it.
    """
    found: list[Letter] = []
    topics = [t for t in topology.topics.values() if t.is_dead_letter]
    if select.source_topic is not None:
        topics = [topology.dead_letter_for(select.source_topic)]
    codec = get_codec(get_settings().schemas_dir, DeadLetter.avro_schema)
    for topic in topics:
        for msg in read_topic(kafka, topic):
            at = f"{topic.name}[{msg.partition()}]@{msg.offset()}"
            try:
                record = DeadLetter.model_validate(codec.decode(msg.value()))
            except (DecodeError, ValidationError) as exc:
                console.print(f"[yellow]{escape(at)} is no dead letter: {escape(str(exc))}[/yellow]")
                continue
            letter = Letter(at, msg.timestamp()[1], record)
            if select(letter):
                found.append(letter)
    return found


def _redriven_ids(topic: TopicSpec, kafka: KafkaConnection) -> set[str]:
    """The dead-letter ids already named by a redriven message on `topic`."""
    named = set()
    for msg in read_topic(kafka, topic):
        for key, value in msg.headers() or []:
            if key == REDRIVE_HEADER and value is not None:
                named.add(value.decode())
    return named


def redrive_letters(topology: Topology, kafka: KafkaConnection, letters: list[Letter]) -> RedriveCounts:
    """Re-publish each dead letter's original message to its source topic, once; confirmed by the broker."""
    sources = {letter.record.source_topic for letter in letters}
    done = {name: _redriven_ids(topology.topic(name), kafka) for name in sources}
    producer = make_producer(kafka)
    sent: Counter[str] = Counter()
    withheld = sum(1 for letter in letters if letter.record.content_withheld)
    for letter in letters:
        record = letter.record
        if record.event_id in done[record.source_topic] or record.content_withheld:
            continue  # redriven already, or another region's claim whose content was never kept
        source = topology.topic(record.source_topic)
        headers = [(h.key, h.value) for h in record.original_headers if h.key != REDRIVE_HEADER]
        producer.produce(
            source.name,
            key=record.original_key,
            value=record.original_value,
            headers=[*headers, (REDRIVE_HEADER, record.event_id.encode())],
            **placed(source, record.original_key),
        )
        producer.poll(0)
        done[record.source_topic].add(record.event_id)
        sent[record.source_topic] += 1
    flush_or_fail(producer)
    total = sum(sent.values())
    return RedriveCounts(len(letters), total, len(letters) - total - withheld, dict(sent), withheld)


def _summary(letter: Letter) -> dict[str, Any]:
    r = letter.record
    return {
        "dead_letter": letter.at,
        "dead_letter_id": r.event_id,
        "at": datetime.fromtimestamp(letter.timestamp_ms / 1000, tz=UTC).isoformat(),
        "source": f"{r.source_topic}[{r.source_partition}]@{r.source_offset}",
        "agent": r.agent,
        "claim_id": r.claim_id,
        "region": r.region,
        "error_type": r.error_type,
        "error_message": r.error_message,
        "retryable": r.retryable,
        "attempts": r.attempts,
        "original_bytes": len(r.original_value),
        "content_withheld": r.content_withheld,
    }


SourceOption = Annotated[str | None, typer.Option("--topic", help="Only dead letters of this source topic.")]
ErrorOption = Annotated[str | None, typer.Option("--error-type", help="Only this error type (exact).")]
ClaimOption = Annotated[str | None, typer.Option("--claim", help="Only this claim's dead letters.")]
SinceOption = Annotated[datetime | None, typer.Option(help="Dead-lettered at or after this time (UTC).")]
UntilOption = Annotated[datetime | None, typer.Option(help="Dead-lettered before this time (UTC).")]


@dlq_app.command("list")
def list_(
    topic: SourceOption = None,
    error_type: ErrorOption = None,
    claim: ClaimOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    json_: Annotated[bool, typer.Option("--json", help="One JSON object per dead letter.")] = False,
) -> None:
    """Dead letters on the log: where, when, which agent, why, and counts by error type."""
    topology = load_topology(get_settings().topology_file)
    letters = dead_letters(
        topology, get_settings().kafka(), Selection(topic, error_type, claim, since, until)
    )
    if json_:
        for letter in letters:
            typer.echo(dumps(_summary(letter)))
        return
    table = Table("dead letter", "at", "source", "agent", "claim", "error")
    for letter in letters:
        row = _summary(letter)
        error = f"{row['error_type']}: {row['error_message']}"
        table.add_row(
            row["dead_letter"],
            row["at"][:19],
            row["source"],
            row["agent"],
            row["claim_id"],
            escape(error[:120]),
        )
    console.print(table)
    by_type = Counter(letter.record.error_type for letter in letters)
    console.print(
        f"{len(letters)} dead letter(s): " + ", ".join(f"{k} {v}" for k, v in by_type.most_common())
    )


@dlq_app.command()
def show(
    dead_letter: Annotated[
        str, typer.Argument(help="`topic.dlq[partition]@offset` as `dlq list` prints it, or its id.")
    ],
) -> None:
    """One dead letter in full (the original bytes' length, not the bytes)."""
    topology = load_topology(get_settings().topology_file)
    for letter in dead_letters(topology, get_settings().kafka()):
        if dead_letter in (letter.at, letter.record.event_id):
            summary = _summary(letter)
            summary["original_key"] = (letter.record.original_key or b"").decode(errors="replace")
            summary["original_headers"] = [h.key for h in letter.record.original_headers]
            summary["failed_event_id"] = letter.record.failed_event_id
            typer.echo(dumps(summary))
            return
    console.print(f"[red]no dead letter {escape(dead_letter)}[/red]")
    raise typer.Exit(1)


@dlq_app.command()
def redrive(
    topic: SourceOption = None,
    error_type: ErrorOption = None,
    claim: ClaimOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be redriven.")] = False,
) -> None:
    """Re-publish the selected dead letters' original messages to their source topics, each once."""
    settings = get_settings()
    topology = load_topology(settings.topology_file)
    letters = dead_letters(topology, settings.kafka(), Selection(topic, error_type, claim, since, until))
    if dry_run:
        console.print(f"{len(letters)} dead letter(s) selected; nothing sent (--dry-run)")
        return
    counts = redrive_letters(topology, settings.kafka(), letters)
    per_topic = ", ".join(f"{n} to {t}" for t, n in sorted(counts.by_topic.items())) or "none sent"
    console.print(
        f"{counts.selected} dead letter(s) selected: {counts.redriven} redriven ({per_topic}), "
        f"{counts.already} already redriven before"
        + (f", {counts.withheld} of regions not served here (no content kept)" if counts.withheld else "")
    )
