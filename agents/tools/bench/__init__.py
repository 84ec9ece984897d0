"""`claimflow bench`: throughput, latency and per-agent cost of the pipeline, next to its in-process limit.

`runner` runs the stack and the measurement, `observe` watches the log and the
processes, `metrics` turns events into figures, `limit` measures the stage functions
without Kafka, `result` and `output` write result.json, the plots and the tables.
"""

from agents.tools.bench.result import BenchResult
from agents.tools.bench.runner import BenchConfig, BenchError, run_bench, run_matrix

__all__ = ["BenchConfig", "BenchError", "BenchResult", "run_bench", "run_matrix"]
