"""The review queue agent: report announcements that need a person (or a QA look) become queue items."""

from agents.review_queue.handler import ReviewQueue, entries_for

__all__ = ["ReviewQueue", "entries_for"]
