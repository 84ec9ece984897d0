"""The intake load test's client-side checks, on recorded answers (no server)."""

from __future__ import annotations

from agents.tools.bench.intake_load import Answer, LoadPlan, LoadRun, analyse

PLAN = LoadPlan(clients=1, claims_per_client=3, run_id="t")
K0, K1, K2 = (f"t-client-0000-{j:04d}" for j in range(3))


def test_a_key_answered_with_two_claims_is_a_second_claim_and_a_key_never_accepted_is_listed() -> None:
    run = LoadRun(
        PLAN,
        [
            Answer(K0, "202", 0.0, 100.0, "CLM-A"),
            Answer(K0, "202", 0.2, 10.0, "CLM-A", replayed=True, kind="repeat"),
            Answer(K1, "202", 0.5, 300.0, "CLM-B"),
            Answer(K1, "202", 0.6, 200.0, "CLM-C", kind="concurrent"),  # the bug the test must catch
            Answer(K2, "409", 0.9, 5.0),
            Answer(K2, "ConnectError", 1.0, 1.0),
        ],
        wall_s=2.0,
    )
    figures = analyse(run)
    assert figures["second_claims"] == [K1]
    assert figures["not_accepted"] == [K2]
    assert figures["accepted_claims"] == {K0: "CLM-A"}  # an ambiguous key names no claim
    assert figures["errors_by_status"] == {"409": 1, "ConnectError": 1}
    assert figures["replayed_answers"] == 1
    # Only answers that created a claim are accept latencies; a replay is not.
    assert sorted(figures["series"]["accept_latency_ms"]) == [100.0, 200.0, 300.0]


def test_a_clean_run_has_no_second_claim_and_counts_accepts_per_second_over_its_span() -> None:
    run = LoadRun(
        PLAN,
        [
            Answer(K0, "202", 0.0, 500.0, "CLM-A"),
            Answer(K1, "409", 0.0, 5.0, kind="concurrent"),
            Answer(K1, "202", 0.5, 500.0, "CLM-B"),
            Answer(K1, "202", 0.6, 20.0, "CLM-B", replayed=True, kind="concurrent"),
            Answer(K2, "202", 1.5, 500.0, "CLM-C"),
        ],
        wall_s=2.0,
    )
    figures = analyse(run)
    assert not figures["second_claims"] and not figures["not_accepted"]
    assert figures["accepted"] == 3 and figures["accepted_per_s"] == 1.5  # 3 claims over 0 .. 2.0 s
    assert figures["accept_latency_ms"]["p50"] == 500.0
