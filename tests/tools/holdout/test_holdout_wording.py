"""Fast checks of the generator's building blocks: wording banks, dates, amounts, numbers.

These catch a missing translation or a malformed template before a rare claim hits it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from agents.tools.holdout import acc_de, acc_en, acc_es, acc_fr, amounts, dates, lexicon, policynum
from agents.tools.holdout.attach_words import ENCLOSURE_NAMES, LINE_ITEMS, TRADES
from agents.tools.holdout.attachments import split_total
from agents.tools.holdout.vocab import ASSET_DAMAGES

ACCOUNTS = {"en": acc_en, "de": acc_de, "fr": acc_fr, "es": acc_es}
FILL = {"On_date": "ON", "on_date": "on", "place": "P", "car": "C", "plate": "X"}


@pytest.mark.parametrize("lang", sorted(ACCOUNTS))
def test_every_account_states_the_incident_date(lang: str) -> None:
    module = ACCOUNTS[lang]
    for asset, damages in ASSET_DAMAGES.items():
        for damage in damages:
            scenarios = module.SCENARIOS[f"{damage}@{asset}"]
            assert scenarios
            for text in scenarios:
                assert "{On_date}" in text or "{on_date}" in text
                assert text.format(**FILL)
            assert module.FOLLOW_UPS[damage]
            assert lexicon.terms(lang, damage, asset, "EU") and lexicon.terms(lang, damage, asset, "US")
            assert LINE_ITEMS[lang][damage] and TRADES[lang][damage]
    assert set(ENCLOSURE_NAMES[lang]) >= {
        "form",
        "letter",
        "email",
        "estimate",
        "invoice",
        "police",
        "photos",
    }


@pytest.mark.parametrize("lang", sorted(ACCOUNTS))
def test_label_lists_are_broad(lang: str) -> None:
    for field in ("policy_number", "incident_date", "claimed_amount", "damage_type", "description"):
        assert len(lexicon.labels(lang, field, "EU")) >= 6, field


def test_numeric_dates_follow_the_region() -> None:
    day = dt.date(2025, 4, 3)
    assert dates.format_date(day, "num_slash", "en", "EU") == "03/04/2025"
    assert dates.format_date(day, "num_slash", "en", "US") == "04/03/2025"
    assert dates.format_date(day, "num_slash", "es", "US") == "04/03/2025"
    assert dates.format_date(day, "num_dot_short", "de", "EU") == "3.4.25"
    assert dates.format_date(day, "long", "de", "EU") == "3. April 2025"
    assert dates.format_date(day, "le_long", "fr", "EU") == "le 3 avril 2025"
    assert dates.format_date(day, "long", "es", "EU") == "3 de abril de 2025"
    assert dates.format_date(day, "us_long_ord", "en", "US") == "April 3rd, 2025"
    assert dates.format_date(day, "upper_mon", "en", "APAC") == "03 APR 2025"


def test_amount_forms() -> None:
    cases = {
        ("code_pre_eu", "EUR"): "EUR 4.850,00",
        ("sym_post_fr", "EUR"): "4 850,00 €",
        ("dash_code", "EUR"): "4850,- EUR",
        ("sym_pre_en", "SGD"): "S$4,850.00",
        ("code_pre_nosep", "AUD"): "AUD 4850",
        ("alt_post", "USD"): "4,850.00 US$",
    }
    for (style, currency), text in cases.items():
        assert amounts.format_amount(Decimal("4850"), currency, style) == text
    assert not amounts.usable("bare_dollar", Decimal("10"), "USD", "AUD", "en", "APAC")
    assert amounts.usable("bare_dollar", Decimal("10"), "AUD", "AUD", "en", "APAC")
    assert not amounts.usable("sym_post_int", Decimal("10.5"), "EUR", "EUR", "de", "EU")


def test_estimate_tax_adds_up_to_the_cent() -> None:
    rng = random.Random(3)
    for cents in range(10_000, 400_000, 3_331):
        total = Decimal(cents) / 100
        for rate in (0, 9, 10, 13.5, 15, 19, 20, 21):
            net, tax = split_total(total, rate, rng)
            assert net + tax == total and tax >= 0


def test_typos_and_printed_forms_of_policy_numbers() -> None:
    rng = random.Random(5)
    for fmt in (
        "spaced_check",
        "slash_year",
        "de_code",
        "padded",
        "grouped",
        "alnum_mix",
        "dots",
        "au_code",
        "compact",
        "hk_code",
    ):
        number = policynum.make_number(fmt, rng, asset="home", product_index=0, year=2024)
        taken = {policynum.normalise(number)}
        for _ in range(20):
            wrong = policynum.typo(number, rng, taken)
            assert policynum.normalise(wrong) not in taken
            assert abs(len(policynum.normalise(wrong)) - len(policynum.normalise(number))) <= 1
        for variant, _ in policynum.PRINT_VARIANTS:
            shown = policynum.printed(number, variant, rng, "Pol.")
            assert policynum.normalise(number) in policynum.normalise(shown)
            assert re.sub(r"\s", "", shown) != "" and (variant == "linebreak" or "\n" not in shown)
