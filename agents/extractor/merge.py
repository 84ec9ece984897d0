"""How the rules' reading and the LLM's answer become one set of fields with honest confidences.

The rules stay the backbone: each of their values points at a label or a pattern, and their
confidences are calibrated against the review threshold (see `agents.extraction.fields`). The LLM
is a second, independent reader, and a claim is auto-approved only on fields the rules
themselves trust. Per field, after normalising the LLM's value the way the rules write it:

- **agree** (same value; for the description, mostly the same words): the rules' value and
  evidence, confidence moved halfway to 1. A field the rules put below the review threshold
  stays below it (at most `threshold - 0.01`): the LLM confirms, it never decides.
- **disagree**: the rules' value, confidence capped at `DISAGREEMENT_CAP` (a person looks),
  the LLM's value added to the candidates.
- **LLM only** (the rules found nothing): the LLM's value at `UNCORROBORATED_EVIDENCED`
  when its evidence quote is found verbatim in the claim text and carries the value's
  digits, else at `UNCORROBORATED_GUESS`. Both are below the threshold, so an answer the
  rules cannot corroborate always goes to review, pre-filled for the reviewer.
- **rules only** (the LLM said null, or wrote a value that does not parse): the rules'
  field unchanged; silence is not disagreement.

Evidence taken from the LLM is prefixed `(llm)` (`(llm, not in text)` when the quote was
not found), so a reviewer sees which values no rule read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from agents.events import ClaimFields, ExtractedField, iso_date
from agents.extraction import parse_amount
from agents.extractor.llm import LlmAnswer

AGREEMENT_SHARE = 0.5  # agreement closes this share of the gap between the rules' confidence and 1
DISAGREEMENT_CAP = 0.6
UNCORROBORATED_EVIDENCED = 0.8
UNCORROBORATED_GUESS = 0.45
SAME_DESCRIPTION = 0.6  # share of the shorter description's words found in the other
MIN_EVIDENCE_CHARS = 4

AGREE, DISAGREE, LLM_ONLY, RULES_ONLY, NEITHER = "agree", "disagree", "llm-only", "rules-only", "neither"

_POLICY = re.compile(r"P[O0]L[\s_/-]*([A-Z]{2,4})[\s_/-]*(\d{4})[\s_/-]*(\d{6})")
_WORD = re.compile(r"[a-z0-9]{3,}")


def _policy(value: str) -> str | None:
    found = _POLICY.fullmatch(value.strip().upper())
    return "POL-{}-{}-{}".format(*found.groups()) if found else " ".join(value.upper().split()) or None


def _iso_date(value: str) -> str | None:
    found = iso_date(value)
    return found.isoformat() if found else None


def _amount(value: str) -> str | None:
    number = parse_amount(re.sub(r"[^\d.,' ]", "", value).strip())
    return f"{number:.2f}" if number is not None else None


def _currency(value: str) -> str | None:
    code = value.strip().upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) else None


def _text(value: str) -> str | None:
    return " ".join(value.split()) or None


_NORMALISE: dict[str, Callable[[str], str | None]] = {
    "policy_number": _policy,
    "incident_date": _iso_date,
    "damage_description": _text,
    "damage_type": _text,
    "claimed_amount": _amount,
    "currency": _currency,
    "reported_on": _iso_date,
}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _carries_value(name: str, value: str, evidence: str) -> bool:
    """Whether the quote can be where the value came from: it holds the value's telling digits."""
    if name == "policy_number" and (serial := _digits(value)[-6:]):
        return serial in _digits(evidence)
    if name == "claimed_amount":
        return _digits(value.split(".")[0]) in _digits(evidence)
    if name in ("incident_date", "reported_on"):
        return value[:4] in evidence or value[2:4] in _digits(evidence)
    return True


def _same(name: str, rules: str, llm: str) -> bool:
    if name != "damage_description":
        return rules.casefold() == llm.casefold()
    a, b = set(_WORD.findall(rules.casefold())), set(_WORD.findall(llm.casefold()))
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_DESCRIPTION


def locate(quote: str, text: str) -> int | None:
    """The 1-based page on which `quote` appears in `text` (whitespace and case aside), or None."""
    words = unicodedata.normalize("NFKC", quote).split()
    if len(" ".join(words)) < MIN_EVIDENCE_CHARS:
        return None
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
    for number, page in enumerate(unicodedata.normalize("NFKC", text).split("\f"), start=1):
        if pattern.search(page):
            return number
    return None


def merge_field(
    name: str, rules: ExtractedField, llm_value: str | None, llm_evidence: str, text: str, threshold: float
) -> tuple[ExtractedField, str]:
    """One field's merged reading and the verdict (agree, disagree, llm-only, rules-only, neither)."""
    value = _NORMALISE[name](llm_value) if llm_value else None
    if value is None:
        return rules, RULES_ONLY if rules.value else NEITHER
    if rules.value is None:
        page = locate(llm_evidence, text)
        verified = page is not None and _carries_value(name, value, llm_evidence)
        return (
            ExtractedField(
                value=value,
                confidence=UNCORROBORATED_EVIDENCED if verified else UNCORROBORATED_GUESS,
                evidence=("(llm) " if verified else "(llm, not in text) ") + llm_evidence,
                page=page,
            ),
            LLM_ONLY,
        )
    if _same(name, rules.value, value):
        raised = rules.confidence + (1.0 - rules.confidence) * AGREEMENT_SHARE
        if rules.confidence < threshold:
            raised = max(rules.confidence, min(raised, threshold - 0.01))
        return rules.model_copy(update={"confidence": round(raised, 4)}), AGREE
    candidates = list(dict.fromkeys([*rules.candidates, value]))
    confidence = min(rules.confidence, DISAGREEMENT_CAP)
    return rules.model_copy(update={"confidence": confidence, "candidates": candidates}), DISAGREE


def merge(
    rules: ClaimFields, answer: LlmAnswer, text: str, threshold: float
) -> tuple[ClaimFields, dict[str, str]]:
    """Every field merged (see the module docstring) and each field's verdict, for the provenance."""
    merged: dict[str, ExtractedField] = {}
    verdicts: dict[str, str] = {}
    for name in ClaimFields.model_fields:
        said = getattr(answer, name)
        merged[name], verdicts[name] = merge_field(
            name, getattr(rules, name), said.value, said.evidence, text, threshold
        )
    return ClaimFields(**merged), verdicts
