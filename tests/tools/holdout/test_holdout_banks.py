"""Tests of the hold-out generator's wording banks: bank "b" is complete, valid and new.

Bank "a" is covered byte for byte by ``test_holdout_corpus.py``; here bank "b" must give the
same facts in other words: a corpus that conforms to the format and loads, every account
stating the incident date, and no account sentence or label wording shared with bank "a".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agents.tools.holdout import BANKS, banks, generate, lexicon, prose
from agents.tools.holdout.vocab import ASSET_DAMAGES, DAMAGE_TYPES

from .test_holdout_corpus import TRUTH_FIELDS, _alnum, _pdf_text, _read_jsonl, expected_rules

LANGS = ("en", "de", "fr", "es")
FILL = {"On_date": "ON", "on_date": "on", "date": "D", "place": "P", "car": "C", "plate": "X"}
SEED = 20250611
CLAIMS = 8
# Mail programs print these header words whatever the bank: not a wording choice.
MAIL_HEADERS = {"mail_from", "mail_to", "mail_subject"}


def _alternatives(value: str | tuple[str, ...]) -> set[str]:
    return set(value.split("|")) if isinstance(value, str) else set(value)


def _sentences(text: str) -> set[str]:
    """The sentences of ``text`` (whitespace folded), long enough to be wording rather than a label."""
    flat = re.sub(r"\s+", " ", text)
    return {s.strip() for s in re.split(r"(?<=[.!?;])\s", flat) if len(s.strip()) >= 25}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same seed, born digital, written from both banks."""
    made = {}
    for bank in BANKS:
        root = tmp_path_factory.mktemp(f"bank-{bank}")
        generate(root, claims=CLAIMS, seed=SEED, scanned_share=0, photo_share=0, workers=1, bank=bank)
        made[bank] = root
    return made


def _texts(root: Path) -> dict[str, str]:
    out = {}
    for t in _read_jsonl(root / "truth.jsonl"):
        out[t["claim_id"]] = "\n".join(_pdf_text(root / rel)[0] for rel in t["documents"])
    return out


def test_banks_are_listed_and_unknown_ones_refused(tmp_path: Path) -> None:
    assert BANKS == ("a", "b")
    with pytest.raises(ValueError, match=r"unknown wording bank 'c'.*a, b"):
        generate(tmp_path, claims=1, seed=1, bank="c")
    assert not (tmp_path / "truth.jsonl").exists()
    with pytest.raises(ValueError, match="a, b"), banks.using("B"):
        pass


@pytest.mark.parametrize("lang", LANGS)
def test_bank_b_has_every_entry_of_bank_a(lang: str) -> None:
    a, b = banks.get("a"), banks.get("b")
    for table in ("LABELS", "TERMS", "WORDS", "US_LABELS", "US_TERMS", "US_WORDS"):
        assert set(getattr(a.lexicons[lang], table)) <= set(getattr(b.lexicons[lang], table)), table
    for table in ("SCENARIOS", "LETTER"):
        assert set(getattr(a.accounts[lang], table)) == set(getattr(b.accounts[lang], table)), table
    for name in ("TRADES", "LINE_ITEMS", "OFFENCES", "ENCLOSURE_NAMES"):
        assert set(getattr(a.attach, name)[lang]) == set(getattr(b.attach, name)[lang]), name
    assert b.attach.BROKER_SUFFIX[lang]
    assert set(a.attach.AUTHORITIES) == set(b.attach.AUTHORITIES)
    assert b.attach.DATE_WORD[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_bank_b_accounts_state_the_date_and_fill(lang: str) -> None:
    module = banks.get("b").accounts[lang]
    with banks.using("b"):
        for asset, damages in ASSET_DAMAGES.items():
            for damage in damages:
                scenarios = module.SCENARIOS[f"{damage}@{asset}"]
                assert len(scenarios) >= 3, (damage, asset)
                for text in scenarios:
                    assert re.search(r"\{(On_date|on_date|date)\}", text), text
                    assert text.format(**FILL)
                assert prose.follow_ups(module, damage, asset)
                assert lexicon.terms(lang, damage, asset, "EU") and lexicon.terms(lang, damage, asset, "US")
        for field in ("policy_number", "incident_date", "claimed_amount", "damage_type", "description"):
            assert len(lexicon.labels(lang, field, "EU")) >= 6, field
    for _, text, allowed in module.DISTRACTORS:
        assert set(allowed) <= set(DAMAGE_TYPES) and text
    assert module.DISTRACTORS[-1][0] == "collision"  # the one left out of accounts about homes
    day = dt.date(2025, 4, 3)
    relative = {}
    for bank in BANKS:  # "last Thursday (DATE)" in each bank's words
        with banks.using(bank):
            relative[bank] = prose.on_date(lang, "DATE", day, day + dt.timedelta(days=3))
    assert all("DATE" in phrase for phrase in relative["b"]) and relative["a"] != relative["b"]


@pytest.mark.parametrize("lang", LANGS)
def test_bank_b_wording_is_not_bank_a_wording(lang: str) -> None:
    a, b = banks.get("a"), banks.get("b")
    for table in ("LABELS", "TERMS", "WORDS"):
        old, new = getattr(a.lexicons[lang], table), getattr(b.lexicons[lang], table)
        for key in set(old) & set(new) - MAIL_HEADERS:
            assert not _alternatives(old[key]) & _alternatives(new[key]), (table, key)

    def account_sentences(module: Any) -> set[str]:
        texts = [
            t
            for group in (module.SCENARIOS, module.FOLLOW_UPS, module.LETTER)
            for v in group.values()
            for t in v
        ]
        texts += [text for _, text, _ in module.DISTRACTORS]
        return set().union(*(_sentences(t) for t in texts))

    assert not account_sentences(a.accounts[lang]) & account_sentences(b.accounts[lang])


def test_bank_b_corpus_conforms_and_tells_the_same_facts(corpora: dict[str, Path]) -> None:
    root_a, root_b = corpora["a"], corpora["b"]
    assert (root_a / "policies.jsonl").read_bytes() == (root_b / "policies.jsonl").read_bytes()
    meta = json.loads((root_b / "corpus.json").read_text(encoding="utf-8"))
    assert meta["bank"] == "b" and meta["seed"] == SEED
    assert "bank" not in json.loads((root_a / "corpus.json").read_text(encoding="utf-8"))
    truth_a, truth_b = _read_jsonl(root_a / "truth.jsonl"), _read_jsonl(root_b / "truth.jsonl")
    facts = TRUTH_FIELDS - {"documents", "tags"}
    assert [{k: t[k] for k in facts} for t in truth_a] == [{k: t[k] for k in facts} for t in truth_b]
    books: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in ("EU", "US", "APAC")}
    for p in _read_jsonl(root_b / "policies.jsonl"):
        books[p["region"]][p["policy_number"]] = p
    earlier: set[tuple[str, str, str]] = set()
    texts = _texts(root_b)
    for t in truth_b:
        assert set(t) == TRUTH_FIELDS and all((root_b / rel).is_file() for rel in t["documents"])
        assert expected_rules(t, books, earlier) == t["expected_failed_rules"], t["claim_id"]
        if t["policy_in_book"]:
            earlier.add((t["policy_number"], t["incident_date"], t["damage_type"]))
        squeezed = re.sub(r"[\s.,'\u00a0\u202f-]", "", texts[t["claim_id"]])
        whole, cents = t["claimed_amount"].split(".")
        assert (whole if cents == "00" else whole + cents) in squeezed, t["claim_id"]
        assert _alnum(t["policy_number"]) in _alnum(texts[t["claim_id"]]), t["claim_id"]


def test_bank_b_corpus_loads_for_evaluation(corpora: dict[str, Path]) -> None:
    from agents.tools.evals.corpus import load_corpus

    load_corpus(corpora["b"])


def test_same_seed_shares_no_sentence_of_account(corpora: dict[str, Path]) -> None:
    """The documents of the same claims, told from the two banks, have no prose sentence in common."""
    texts_a, texts_b = _texts(corpora["a"]), _texts(corpora["b"])
    assert texts_a.keys() == texts_b.keys()
    for claim, text in texts_b.items():
        shared = _sentences(text) & _sentences(texts_a[claim])
        assert not {s for s in shared if re.search(r"[a-zà-ÿ]{4,} [a-zà-ÿ]{4,} [a-zà-ÿ]{4,}", s)}, claim


def test_cli_bank_needs_holdout_and_writes_bank_b(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from agents.tools import cli

    app = typer.Typer()
    app.command()(cli.sample)
    runner = CliRunner()
    refused = runner.invoke(app, ["--bank", "b", "--out", str(tmp_path / "tuning")])
    assert refused.exit_code == 2 and "--holdout" in refused.output
    unknown = runner.invoke(app, ["--holdout", "--bank", "z", "--out", str(tmp_path / "z")])
    assert unknown.exit_code == 2 and "a, b" in unknown.output
    done = runner.invoke(app, ["--holdout", "--bank", "b", "--claims", "2", "--out", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    assert json.loads((tmp_path / "b" / "corpus.json").read_text(encoding="utf-8"))["bank"] == "b"
