"""Independent hold-out corpus generator for ClaimFlow's extraction measurements.

Written from ``docs/evaluation/holdout-spec.md`` and ``corpus-format.md`` alone, without
looking at how ClaimFlow reads documents, so that accuracy measured on it is not tuned to it.

Example:
    >>> from pathlib import Path
    >>> from agents.tools.holdout import generate
    >>> corpus = generate(Path("/tmp/holdout"), claims=300, seed=7)  # doctest: +SKIP
"""

from __future__ import annotations

from .corpus import HoldoutCorpus, generate

__all__ = ["HoldoutCorpus", "generate"]
