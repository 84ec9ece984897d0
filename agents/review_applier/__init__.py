"""The review applier agent: a person's decision becomes a new report revision, announced on report.ready."""

from agents.review_applier.handler import ReviewApplier

__all__ = ["ReviewApplier"]
