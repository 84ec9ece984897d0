"""topology.yaml validation: readable errors for inconsistent topologies."""

from __future__ import annotations

import pytest

from streams.errors import TopologyError
from streams.topology import load_topology, parse_topology
from tests.fixtures.paths import ROOT


def test_the_shipped_topology_is_valid_and_derives_dead_letter_topics():
    topology = load_topology(ROOT / "topology.yaml")
    for topic in topology.pipeline_topics:
        dlq = topology.dead_letter_for(topic.name)
        assert dlq.is_dead_letter and dlq.schema_name == "dead_letter"
    auditor = topology.agent("auditor")
    heads = topology.topic_for_schema("audit_head").name
    assert set(auditor.consumes) == set(topology.topics) - {heads}, "every topic but its own output"
    assert auditor.emits == (heads,)
    for schema in ("claim_ingested", "report_ready"):
        assert topology.topic_for_schema(schema).schema_name == schema


def test_every_agent_chain_link_is_consumed_by_someone():
    """Every emitted topic has a reader; only what people produce (claims, decisions) has no agent writer.

    The audit chain's heads are read by `claimflow audit verify`, outside the pipeline."""
    topology = load_topology(ROOT / "topology.yaml")
    emitted = {t for a in topology.agents.values() for t in a.emits}
    consumed = {t for a in topology.agents.values() if not a.raw for t in a.consumes}
    entries = {topology.topic_for_schema(s).name for s in ("claim_ingested", "claim_reviewed")}
    assert emitted - consumed == {topology.topic_for_schema("audit_head").name}
    assert consumed - emitted == entries


BASE = """
regions: [EU]
defaults: {partitions: 1, retention_ms: 1000, replication_factor: 1}
topics:
  a: {schema: claim_ingested, key: claim_id}
agents:
"""


def test_an_agent_consuming_an_undeclared_topic_is_refused():
    with pytest.raises(TopologyError, match="undeclared topic 'b'"):
        parse_topology(BASE + "  x: {handler: 'm:C', consumes: [b]}\n")


def test_a_bad_handler_reference_is_refused():
    with pytest.raises(TopologyError, match="handler"):
        parse_topology(BASE + "  x: {handler: 'not a path', consumes: [a]}\n")


def test_zero_partitions_is_refused():
    with pytest.raises(TopologyError, match="partitions"):
        parse_topology(
            BASE.replace("partitions: 1", "partitions: 0") + "  x: {handler: 'm:C', consumes: [a]}\n"
        )


def test_unknown_keys_are_refused():
    with pytest.raises(TopologyError, match="colour"):
        parse_topology(BASE + "  x: {handler: 'm:C', consumes: [a], colour: red}\n")


def test_not_yaml_is_a_topology_error():
    with pytest.raises(TopologyError, match="YAML"):
        parse_topology("regions: [EU\n")


def test_unknown_agent_and_topic_lookups_name_what_exists():
    topology = load_topology(ROOT / "topology.yaml")
    with pytest.raises(TopologyError, match="retriever"):
        topology.agent("nope")
    with pytest.raises(TopologyError, match="not declared"):
        topology.topic("nope")


REGIONAL = """
regions: [EU, US, APAC]
defaults: {partitions: 3, retention_ms: 1000, replication_factor: 1}
topics:
  r: {schema: retrieval_request, key: region%s}
  c: {schema: claim_ingested, key: claim_id}
agents:
"""


def test_a_topic_keyed_by_region_places_the_regions_round_robin_unless_told() -> None:
    topology = parse_topology(REGIONAL % "")
    assert topology.topic("r").placement == {"EU": 0, "US": 1, "APAC": 2}
    assert topology.topic("r").partition_for("US") == 1
    assert topology.topic("c").placement == {} and topology.topic("c").partition_for("CLM-1") is None
    told = parse_topology(REGIONAL % ", placement: {EU: 2, US: 0, APAC: 1}")
    assert told.topic("r").placement == {"EU": 2, "US": 0, "APAC": 1}


@pytest.mark.parametrize(
    ("placement", "error"),
    [
        ("{EU: 0, US: 2, APAC: 2}", "unbalanced"),  # what murmur2 does with these keys
        ("{EU: 0, US: 1}", "places regions"),  # a region with no shard
        ("{EU: 0, US: 1, APAC: 2, MARS: 0}", "places regions"),
        ("{EU: 0, US: 1, APAC: 3}", "outside"),
    ],
)
def test_a_placement_leaving_a_region_out_or_a_partition_idle_is_refused(placement: str, error: str) -> None:
    with pytest.raises(TopologyError, match=error):
        parse_topology(REGIONAL % f", placement: {placement}")


def test_the_shipped_topology_gives_each_region_its_own_retrieval_shard() -> None:
    topic = load_topology(ROOT / "topology.yaml").topic_for_schema("retrieval_request")
    assert sorted(topic.placement.values()) == list(range(topic.partitions))


def test_an_agent_reads_what_it_consumes_and_follows_and_writes_its_outputs_and_dead_letters() -> None:
    topology = load_topology(ROOT / "topology.yaml")
    faiss = topology.agent("faiss_worker")
    (requests,) = faiss.consumes
    assert faiss.follows == (topology.topic_for_schema("policy_updated").name,)
    assert topology.reads_of("faiss_worker") == (requests, *faiss.follows)
    assert topology.writes_of("faiss_worker") == (*faiss.emits, topology.dead_letter_for(requests).name)
    auditor_writes = set(topology.writes_of("auditor"))
    heads = topology.topic_for_schema("audit_head")
    assert auditor_writes == {heads.name} | {
        t.dead_letter_topic for t in topology.pipeline_topics if t.name != heads.name
    }
    names = [t.name for t in topology.topics_of("review_applier")]
    assert len(names) == len(set(names)) and not set(names) - {
        *topology.reads_of("review_applier"),
        *topology.writes_of("review_applier"),
    }


def test_an_agent_following_an_undeclared_topic_is_refused() -> None:
    with pytest.raises(TopologyError, match="undeclared topic 'nope'"):
        parse_topology(BASE + "  x: {handler: 'm:C', consumes: [a], follows: [nope]}\n")


# -- shadow runs -------------------------------------------------------------------------------


def test_a_shadow_run_reaches_the_decision_from_any_agent_and_stops_before_the_reporter():
    topology = load_topology(ROOT / "topology.yaml")
    assert topology.shadow_chain("retriever") == ("retriever", "faiss_worker", "extractor", "validator")
    assert topology.shadow_chain("extractor") == ("extractor", "validator")
    assert topology.shadow_chain("validator") == ("validator",)
    for agent in ("reporter", "review_queue", "review_applier", "auditor"):
        with pytest.raises(TopologyError, match="cannot run in shadow"):
            topology.shadow_chain(agent)


def test_a_shadow_run_writes_only_derived_shadow_topics_and_reads_the_live_input():
    topology = load_topology(ROOT / "topology.yaml")
    shadowed = topology.shadow_run("v2", "extractor")
    assert list(shadowed.agents) == ["extractor", "validator"], "nothing else can be started from it"
    extractor, validator = shadowed.agent("extractor"), shadowed.agent("validator")
    assert extractor.consumes == ("clauses.retrieved",), "the live input, as it is"
    assert extractor.emits == validator.consumes == ("fields.extracted.shadow.v2",)
    assert validator.emits == ("claim.validated.shadow.v2",)
    assert validator.group_id == "claimflow-validator-shadow-v2" != topology.agent("validator").group_id
    live_names = set(topology.topics)
    for agent in shadowed.agents:
        for name in shadowed.writes_of(agent):
            written = shadowed.topic(name)
            assert name not in live_names and written.shadow_of is not None, f"{agent} writes live {name}"
            live = topology.topic(written.shadow_of)
            assert (written.schema_name, written.key, written.partitions, written.is_dead_letter) == (
                live.schema_name,
                live.key,
                live.partitions,
                live.is_dead_letter,
            )
            assert written.retention_ms == 86_400_000
    assert shadowed.dead_letter_for("clauses.retrieved").name == "clauses.retrieved.dlq.shadow.v2"
    assert shadowed.topic_for_schema("claim_validated").name == "claim.validated", "tools still find live"
    assert not any(t.shadow_of for t in topology.topics.values()), "the live topology is untouched"


def test_a_shadow_of_the_retriever_keeps_the_region_placement_of_the_shards():
    shadowed = load_topology(ROOT / "topology.yaml").shadow_run("ivf", "retriever")
    requests = shadowed.topic("retrieval.requests.shadow.ivf")
    assert requests.placement == {"EU": 0, "US": 1, "APAC": 2}
    assert shadowed.agent("faiss_worker").consumes == ("retrieval.requests.shadow.ivf",)
    assert shadowed.agent("faiss_worker").follows == ("policy.updated",), "policy updates stay live"


@pytest.mark.parametrize("name", ["", "V2", "a.b", "-x", "x" * 41, "a b"])
def test_a_shadow_run_name_must_be_safe_in_topic_and_group_names(name):
    with pytest.raises(TopologyError, match="shadow run name"):
        load_topology(ROOT / "topology.yaml").shadow_run(name, "validator")


def test_a_shadow_section_naming_an_undeclared_or_raw_agent_is_refused():
    agents = "  x: {handler: 'm:C', consumes: [a]}\n  r: {handler: 'm:C', consumes: ['*'], raw: true}\n"
    with pytest.raises(TopologyError, match="undeclared agent 'y'"):
        parse_topology(BASE + agents + "shadow: {agents: [x, y]}\n")
    with pytest.raises(TopologyError, match="raw"):
        parse_topology(BASE + agents + "shadow: {agents: [r]}\n")
    with pytest.raises(TopologyError, match="no `shadow:` section"):
        parse_topology(BASE + agents).shadow_chain("x")
