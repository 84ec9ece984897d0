"""The facts of one claim as strings for documents: dates, amounts and the policy number.

A ``View`` keeps the claim's drawn styles (its date style, amount style, how the policy
number is printed) so that the main document is consistent, and draws fresh, language-valid
styles for secondary documents and for the distractor values.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from . import amounts, dates
from .facts import ClaimFacts
from .policynum import pick_variant, printed


@dataclass
class View:
    """One claim seen through the eyes of a document writer."""

    facts: ClaimFacts
    rng: random.Random
    main_lang: str
    date_style: str = ""
    amount_style: str = ""
    number_variant: str = "same"
    used_amount_style: str = ""
    prose_main: bool = False

    def __post_init__(self) -> None:
        f = self.facts
        self.date_style = dates.pick_style(self.rng, self.main_lang, f.region, prose=self.prose_main)
        self.amount_style = amounts.pick_style(
            self.rng, f.amount, f.currency, f.policy_currency, self.main_lang, f.region, prose=self.prose_main
        )
        self.number_variant = self.variant()

    @property
    def region(self) -> str:
        """The claim's region (decides day/month order)."""
        return self.facts.region

    def variant(self) -> str:
        """A way of printing the number; numbers outside the book are printed exactly as quoted."""
        if not self.facts.in_book:
            return "prefixed" if self.rng.random() < 0.2 else "same"
        return pick_variant(self.rng)

    def number(self, variant: str | None = None, *, one_line: bool = False, in_sentence: bool = False) -> str:
        """The policy number as the document prints it (no prefix inside sentences, no break on one line)."""
        chosen = variant or self.number_variant
        if (one_line and chosen == "linebreak") or (in_sentence and chosen == "prefixed"):
            chosen = "same"
        return printed(self.facts.quoted_number, chosen, self.rng, self.facts.insurer.number_prefix)

    def style_for(self, lang: str, style: str | None = None, *, prose: bool = False) -> str:
        """``style`` if it exists for ``lang`` here, else one drawn for it."""
        valid = dates.STYLE_WEIGHTS[dates.weights_key(lang, self.region)]
        if style and style in valid:
            return style
        return dates.pick_style(self.rng, lang, self.region, prose=prose)

    def date(self, d: dt.date, lang: str, style: str | None = None, *, prose: bool = False) -> str:
        """``d`` in ``style`` (or a style drawn for ``lang``)."""
        return dates.format_date(d, self.style_for(lang, style, prose=prose), lang, self.region)

    def key_date(self, d: dt.date, lang: str, *, prose: bool = False) -> str:
        """A key date (incident or claim date) in the claim's own style where the language and place allow."""
        style: str | None = self.date_style if lang == self.main_lang else None
        if style in dates.PROSE_ONLY and not prose:
            style = None
        return self.date(d, lang, style, prose=prose)

    def amount(self, lang: str, *, prose: bool = False) -> str:
        """The claimed amount, in the claim's amount style for its main language."""
        f = self.facts
        style = self.amount_style
        if lang != self.main_lang or not amounts.usable(
            style, f.amount, f.currency, f.policy_currency, lang, f.region
        ):
            style = amounts.pick_style(
                self.rng, f.amount, f.currency, f.policy_currency, lang, f.region, prose=prose
            )
        self.used_amount_style = self.used_amount_style or style
        return amounts.format_amount(f.amount, f.currency, style, lang)

    def money(self, value: Decimal | int, lang: str, currency: str | None = None) -> str:
        """A secondary amount (excess, limit, VAT ...) in a style drawn for the document."""
        f = self.facts
        cur = currency or f.policy_currency
        return amounts.money(Decimal(value), cur, lang, f.region, f.policy_currency, self.rng)

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        """A day in [start, end] (``start`` when the range is empty)."""
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    @property
    def last_claim_day(self) -> dt.date:
        """The latest day an attachment of the claim can be dated."""
        f = self.facts
        return f.report_date
