"""The reporter agent: one stored report per claim (idempotent), announced on the report topic."""

from agents.reporter.handler import Reporter, build_report

__all__ = ["Reporter", "build_report"]
