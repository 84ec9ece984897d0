"""Coverage-guided fuzzing (atheris, libFuzzer) of what reads untrusted bytes: `claimflow fuzz`.

Each target (`targets`) feeds one parser what libFuzzer mutates, starting from seeds built at
run time from the sample generator's own documents and events (`seeds`), and fails on the
project's invariant: bad input raises the documented error type, never another exception,
never a hang (libFuzzer's per-input timeout) or a blown memory limit. `runner` runs each
target for a number of seconds in its own process, restarts it after a crash, and sums up
executions, coverage and crashes; the Hypothesis properties in tests/fuzz cover the same
ground in CI. See docs/fuzzing.md.
"""

from agents.tools.fuzz.runner import FuzzRun, run_fuzzers
from agents.tools.fuzz.targets import TARGETS

__all__ = ["TARGETS", "FuzzRun", "run_fuzzers"]
