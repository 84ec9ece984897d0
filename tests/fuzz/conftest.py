"""Hypothesis profiles for the fuzz tests: a fixed, fast set in CI and a wider, remembering one by hand.

`ci` (the default) replays the same derandomized examples on every run, so a red CI always
means a change in the code, never a lucky draw, and the whole folder stays under 40 s on two
cores. `dev` draws ten times as many fresh examples each run and keeps the failing ones in
`.claimflow/hypothesis` so the next run tries them first:

    HYPOTHESIS_PROFILE=dev pytest tests/fuzz

The deadline is a safety net against a parser gone quadratic, far above what any example
takes (milliseconds), not a measurement; the coverage-guided fuzzer (`make fuzz`) hunts hangs.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.fixtures.paths import ROOT

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=1000,
    deadline=timedelta(seconds=5),
    database=DirectoryBasedExampleDatabase(ROOT / ".claimflow" / "hypothesis"),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
