"""One agent process: declare topics, then run the agent's Faust worker until stopped."""

from __future__ import annotations

import logging
import os
from typing import Any

import faust
from log_rate_limit import StreamRateLimitFilter

from streams.faust_app import refuse_topic_auto_creation
from streams.kafka_admin import ensure_topics
from streams.metrics_server import forget_metrics_target, publish_metrics_target
from streams.runner import AgentRunner, build_runner
from streams.settings import get_settings
from streams.topology import load_topology

# Loggers of the Kafka client and the stream library, which log every retry of a lost
# connection (about 70 lines a second per worker while the broker was away).
CHATTY_LIBRARIES = ("aiokafka", "faust", "mode")
# The same message of theirs is written once per period, then with a count of those skipped.
LIBRARY_LOG_PERIOD_S = 30.0


class LibraryLogLimit(logging.Filter):
    """Rate-limits repeated messages of `CHATTY_LIBRARIES`; ClaimFlow's own lines always pass."""

    def __init__(self, period_s: float = LIBRARY_LOG_PERIOD_S) -> None:
        super().__init__()
        self._limit = StreamRateLimitFilter(period_sec=period_s)

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(CHATTY_LIBRARIES) or self._limit.filter(record)


class _Worker(faust.Worker):
    """Faust's worker, with the library logs rate-limited and the metrics server up before the app."""

    def __init__(self, runner: AgentRunner, **kwargs: Any) -> None:
        self.runner = runner
        super().__init__(runner.app, **kwargs)

    async def on_start(self) -> None:
        # Before the app and its consumer start, so /livez answers while the broker is still away.
        server = self.runner.metrics_server
        await server.start()
        if server.requested_port == 0:
            settings = self.runner.settings
            publish_metrics_target(settings.state_dir, self.runner.spec.instance, os.getpid(), server.address)
        await super().on_start()

    async def on_shutdown(self) -> None:
        await super().on_shutdown()
        forget_metrics_target(self.runner.settings.state_dir, os.getpid())
        await self.runner.metrics_server.stop()

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        # Faust replaced the root handlers; filter on the handlers so that child loggers
        # (`aiokafka.conn`, `aiokafka.consumer.fetcher`, ...) are covered too.
        for handler in logger.handlers:
            if not any(isinstance(f, LibraryLogLimit) for f in handler.filters):
                handler.addFilter(LibraryLogLimit())


def run_worker(agent_name: str, shadow: str | None = None, shadow_start: str | None = None) -> None:
    """Run `agent_name` in the foreground (production runs one such process per pod).

    With `shadow`, run it as part of that shadow run of agent `shadow_start` (default: this agent):
    its own consumer group, the shadow topics instead of the live ones it would write
    (`Topology.shadow_run`).
    """
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    refuse_topic_auto_creation()
    topology = load_topology(settings.topology_file)
    if shadow is not None:
        topology = topology.shadow_run(shadow, shadow_start or agent_name)
    # Only the agent's own topics: with ACLs on the log it may describe nothing else, and a topic it
    # cannot see would look missing and be created (refused, or worse, created unauthorised).
    ensure_topics(settings.kafka(), topology.topics_of(agent_name))
    runner = build_runner(agent_name, settings, topology)
    worker = _Worker(runner, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
