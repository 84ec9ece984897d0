"""Wording bank "b": a second, independent set of phrasings for the hold-out corpus.

Written after bank "a" from ``docs/evaluation/holdout-spec.md`` alone, without reading how
ClaimFlow reads documents, so that figures taken on it measure extraction on wording nobody
has tuned for. Its modules have the shape of bank "a"'s (``lex_*``, ``acc_*``,
``attach_words``) and are selected with ``generate(..., bank="b")``; the facts, books,
layouts and delivery are shared, only the words differ: other incident scenarios, sentence
shapes, labels, headings, cover-sheet and attachment wording.
"""
