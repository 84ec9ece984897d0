"""The auditor agent: every message of every topic into the hash-chained audit log."""

from agents.auditor.handler import Auditor

__all__ = ["Auditor"]
