"""Wording banks: which set of phrase modules a corpus's documents are written from.

A bank is data only: per language a lexicon module (labels, loss terms, fixed document
phrases) and an accounts module (scenarios, follow-ups, letter sentences), plus the wording
of third-party attachments. Bank ``a`` is the generator's original wording; bank ``b`` was
written later, from the specification alone, so that a corpus can be measured on phrasings
that nobody tuning the extraction has seen. The facts, books, layouts and degradation do not
depend on the bank: the same seed gives the same claims in other words.

The bank in force is set per claim by :func:`using` around the rendering (in the worker that
renders it) and read by ``lexicon``, ``prose``, ``attachments`` and ``compose``, so the
templates stay free of a bank argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType

from . import acc_de, acc_en, acc_es, acc_fr, attach_words, lex_de, lex_en, lex_es, lex_fr
from .bank_b import acc_de as b_acc_de
from .bank_b import acc_en as b_acc_en
from .bank_b import acc_es as b_acc_es
from .bank_b import acc_fr as b_acc_fr
from .bank_b import attach_words as b_attach_words
from .bank_b import lex_de as b_lex_de
from .bank_b import lex_en as b_lex_en
from .bank_b import lex_es as b_lex_es
from .bank_b import lex_fr as b_lex_fr

DEFAULT_BANK = "a"


@dataclass(frozen=True)
class Bank:
    """The wording modules of one bank."""

    name: str
    lexicons: dict[str, ModuleType]
    accounts: dict[str, ModuleType]
    attach: ModuleType


_BANKS: dict[str, Bank] = {
    "a": Bank(
        "a",
        {"en": lex_en, "de": lex_de, "fr": lex_fr, "es": lex_es},
        {"en": acc_en, "de": acc_de, "fr": acc_fr, "es": acc_es},
        attach_words,
    ),
    "b": Bank(
        "b",
        {"en": b_lex_en, "de": b_lex_de, "fr": b_lex_fr, "es": b_lex_es},
        {"en": b_acc_en, "de": b_acc_de, "fr": b_acc_fr, "es": b_acc_es},
        b_attach_words,
    ),
}

BANKS: tuple[str, ...] = tuple(_BANKS)

_ACTIVE: ContextVar[str] = ContextVar("holdout_bank", default=DEFAULT_BANK)


def check(bank: str) -> str:
    """``bank`` if it names a bank, else a ``ValueError`` that lists the choices."""
    if bank not in _BANKS:
        raise ValueError(f"unknown wording bank {bank!r}; choose one of: {', '.join(BANKS)}")
    return bank


def get(bank: str) -> Bank:
    """The modules of ``bank``."""
    return _BANKS[check(bank)]


def active() -> Bank:
    """The bank the current claim is being written from (``a`` outside :func:`using`)."""
    return _BANKS[_ACTIVE.get()]


@contextmanager
def using(bank: str) -> Iterator[Bank]:
    """Write everything inside the block from ``bank``."""
    token = _ACTIVE.set(check(bank))
    try:
        yield _BANKS[bank]
    finally:
        _ACTIVE.reset(token)
