"""The Avro decode path over hostile bytes: the codec, then the processor's dead-letter routing.

Any bytes on any topic must either decode to a record of the topic's schema or raise
`DecodeError`; through the processor, a record that does not decode, does not validate or is
of a region this deployment does not serve becomes one dead letter with its coordinates, and
the good event behind it in the same batch is still handled.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from fastavro.utils import generate_one
from hypothesis import given
from hypothesis import strategies as st

from agents.tools.fuzz.harness import DECODE_FAILURES, DecodeHarness
from streams import DecodeError, Settings, StreamAgent
from streams.codec import AvroCodec, load_codecs
from streams.dead_letter import Coordinates
from streams.processing import Inbound
from streams.runner import load_agent_class
from streams.topology import load_topology
from tests.fixtures.paths import SCHEMAS, TOPOLOGY
from tests.fuzz.strategies import heavy, mutated

CODECS = load_codecs(SCHEMAS)
TOPO = load_topology(TOPOLOGY)
STREAM_AGENTS = sorted(
    name for name, spec in TOPO.agents.items() if issubclass(load_agent_class(spec.handler), StreamAgent)
)


def _record(codec: AvroCodec, seed: int, region: str = "EU") -> dict[str, Any]:
    """A valid record drawn by fastavro from the schema itself, in `region`.

    fastavro draws from the global `random`, which Hypothesis manages: its state is put back.
    """
    state = random.getstate()
    random.seed(seed)
    try:
        record: dict[str, Any] = generate_one(codec.schema)
    finally:
        random.setstate(state)
    record["region"] = region
    # What Avro cannot say: a UTC offset lies within a day (the models refuse anything else).
    if isinstance(record.get("received_utc_offset_min"), int):
        record["received_utc_offset_min"] %= 24 * 60
    return record


schema_names = st.sampled_from(sorted(CODECS))
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def hostile_bytes(draw: st.DrawFn, codec: AvroCodec) -> bytes:
    """Random bytes, or a valid record of the schema with a few byte-level edits."""
    valid = codec.encode(_record(codec, draw(seeds)))
    return draw(st.binary(max_size=512) | mutated(valid))


@given(st.data(), schema_names)
def test_any_bytes_decode_to_a_record_or_raise_decode_error(data: st.DataObject, name: str) -> None:
    codec = CODECS[name]
    payload = data.draw(hostile_bytes(codec))
    try:
        record = codec.decode(payload)
    except DecodeError as exc:
        assert f"{name!r}" in str(exc)
        return
    assert codec.field_names <= set(record)
    codec.encode(record)  # whatever decoded is a record the schema can write again


@given(schema_names, seeds)
def test_a_valid_record_encodes_to_canonical_bytes(name: str, seed: int) -> None:
    codec = CODECS[name]
    data = codec.encode(_record(codec, seed))
    assert codec.encode(codec.decode(data)) == data


# --- the processor: bad bytes become dead letters, the stream goes on --------------------------


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    state: Path = tmp_path_factory.mktemp("state")
    return Settings(schemas_dir=SCHEMAS, topology_file=TOPOLOGY, state_dir=state, regions=["EU", "US"])


@heavy(share=2)
@given(
    data=st.data(), agent=st.sampled_from(STREAM_AGENTS), seed=seeds, region=st.sampled_from(["APAC", "??"])
)
async def test_a_bad_record_is_dead_lettered_with_its_coordinates_and_the_next_event_is_handled(
    settings: Settings, data: st.DataObject, agent: str, seed: int, region: str
) -> None:
    decode = DecodeHarness(agent, settings, TOPO)
    harness, collector, topic = decode.harness, decode.collector, decode.topic
    codec = CODECS[TOPO.topic(topic).schema_name]
    bad_value = data.draw(hostile_bytes(codec) | st.just(codec.encode(_record(codec, seed, region))))
    bad = Inbound(Coordinates(topic, 2, 41, 1_700_000_000_000), b"key-41", bad_value, (("h", b"v"),))
    good_event = collector.input_model.model_validate(codec.decode(codec.encode(_record(codec, seed + 1))))
    good = Inbound(
        Coordinates(topic, 2, 42, 1_700_000_000_001), b"key-42", codec.encode(good_event.to_record())
    )

    await harness.processor.process([bad, good])

    letters = harness.dead_letters()
    assert collector.handled[-1] == good_event
    if len(collector.handled) == 2:  # the edits left a valid event of a served region: handled too
        assert letters == []
        return
    [letter] = letters
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (topic, 2, 41)
    assert letter.source_timestamp_ms == 1_700_000_000_000
    assert letter.original_key == b"key-41" and letter.error_type in DECODE_FAILURES and letter.error_message
    if letter.content_withheld:  # a declared region not served here: residency keeps no content
        assert letter.error_type == "RegionNotServed" and letter.region == "APAC"
        assert letter.original_value == b"" and letter.original_headers == []
    else:
        assert letter.original_value == bad_value
        assert [(h.key, h.value) for h in letter.original_headers] == [("h", b"v")]
    assert letter.retryable is False and letter.attempts == 1
    assert [s.topic for s in harness.outbox.sent] == [TOPO.dead_letter_for(topic).name]
