"""Independent hold-out corpus generator for ClaimFlow's extraction measurements.

Written from ``docs/evaluation/holdout-spec.md`` and ``corpus-format.md`` alone, without
looking at how ClaimFlow reads documents, so that accuracy measured on it is not tuned to it.

Example:
    >>> from pathlib import Path
    >>> from agents.tools.holdout import generate
    >>> corpus = generate(Path("/tmp/holdout"), claims=300, seed=7)  # doctest: +SKIP
    >>> unseen = generate(Path("/tmp/holdout-b"), claims=300, seed=7, bank="b")  # doctest: +SKIP

``bank`` picks the wording (``BANKS``): "a", the original phrasings, or "b", a second bank of
scenarios, labels and letter sentences written later so that extraction can be measured on
wording that nobody tuning it has seen.
"""

from __future__ import annotations

from .banks import BANKS
from .corpus import HoldoutCorpus, generate

__all__ = ["BANKS", "HoldoutCorpus", "generate"]
