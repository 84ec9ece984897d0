"""`claimflow bench`: throughput, latency and per-agent cost of the pipeline, next to its in-process limit.

`runner` runs the stack and the measurement, `observe` watches the log and the
processes, `metrics` turns events into figures, `limit` measures the stage functions
without Kafka, `result` and `output` write result.json, the plots and the tables.

Nothing is imported here: `claimflow --help` loads `bench.cli`, which must not pull in
the sample renderer and plotting that the measurement itself needs.
"""
