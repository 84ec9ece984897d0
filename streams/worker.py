"""One agent process: declare topics, then run the agent's Faust worker until stopped."""

from __future__ import annotations

import logging

import faust

from streams.kafka_admin import ensure_topics
from streams.runner import build_runner
from streams.settings import get_settings
from streams.topology import load_topology


def run_worker(agent_name: str) -> None:
    """Run `agent_name` in the foreground (production runs one such process per pod)."""
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    topology = load_topology(settings.topology_file)
    ensure_topics(settings.kafka_bootstrap, topology.topics.values())
    runner = build_runner(agent_name, settings, topology)
    worker = faust.Worker(runner.app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
