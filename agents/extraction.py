"""Deterministic rules that pull the key claim fields out of a document's text.

A value found next to its label ("Date of loss: 17.03.2024") scores 0.93-0.98; a
value found by its shape alone scores at most 0.75, and a conflict or a guess
less. Downstream, a claim is auto-approved only when its fields score >= 0.9, so
nothing below a label may reach that threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

# --- confidence levels --------------------------------------------------------------------------
LABELLED_POLICY = 0.98  # label and the policy book's number format agree
LABELLED_ODD_POLICY = 0.8  # a label, but the value does not look like our policy numbers
UNLABELLED_POLICY = 0.75  # the only policy-shaped token in the text, no label
LABELLED_DATE = 0.97
PROSE_DATE = 0.94  # "... it occurred on 17 March": a verb, but no noun saying what occurred
AMBIGUOUS_DATE_PENALTY = 0.05  # 03/04/2024: day/month order taken from the region's convention
UNLABELLED_DATE = 0.7  # the only date left once report, birth and policy dates are set aside
LABELLED_DESCRIPTION = 0.97
PROSE_DESCRIPTION = 0.85  # where a letter's account of the loss ends is a heuristic
CONFLICT = 0.5  # two labelled values disagree, or several unlabelled candidates
GUESS = 0.45
REGION_MISMATCH_CAP = 0.6  # a POL-US number on an EU claim needs a human

MONTH_FIRST_REGIONS = frozenset({"US"})
MAX_DESCRIPTION_SENTENCES = 4
MAX_DESCRIPTION_LINES = 12
EVIDENCE_CHARS = 300

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b)"
    rf"|(?P<num>\b\d{{1,2}}(?P<sep>[./-])\d{{1,2}}(?P=sep)\d{{4}}\b)"
    rf"|(?P<dmy>\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+\d{{4}}\b)"
    rf"|(?P<mdy>\b{_MONTH}\s+{_DAY}\s*,?\s+\d{{4}}\b)",
    re.IGNORECASE,
)
_INCIDENT_LABEL = re.compile(
    r"\b(?:date\s+of\s+(?:the\s+)?(?:incident|loss|damage|accident|event|occurrence)"
    r"|(?:incident|loss|accident|damage)\s+date"
    r"|(?:incident|loss|accident|damage)\s+(?:occurred|happened|took\s+place)\s+on)\s*[:\-]?\s*",
    re.IGNORECASE,
)
_INCIDENT_PROSE = re.compile(r"\b(?:occurred|happened|took\s+place)\s+on\s*[:\-]?\s*", re.IGNORECASE)
# Words that, shortly before a date, mark it as some other date than the incident's.
_OTHER_DATE_CONTEXT = re.compile(
    r"birth|\bdob\b|born|report|submit|sent|signed|start|effective|inception|since|\bfrom\b|expir|valid"
    r"|until|issued|renew|period|received|cover",
    re.IGNORECASE,
)
_OTHER_DATE_CONTEXT_CHARS = 40

_POLICY_LABEL = re.compile(
    r"\bpolicy\s*(?:number|num\b\.?|no\b\.?|nr\b\.?|#|ref(?:erence)?\b)\s*[:.\-]?\s*", re.IGNORECASE
)
_POLICY_SHAPE = re.compile(r"\bPOL[\s_/-]*([A-Z]{2,4})[\s_/-]*(\d{4})[\s_/-]*(\d{6})\b", re.IGNORECASE)
_POLICY_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]*\d[A-Za-z0-9/-]*")

_DESCRIPTION_LABEL = re.compile(
    r"^(?:description\s+of\s+(?:the\s+)?(?:damage|loss|incident|event|claim)"
    r"|(?:damage|loss|incident)\s+description"
    r"|what\s+happened"
    r"|details\s+of\s+(?:the\s+)?(?:incident|loss|damage|claim)"
    r"|circumstances(?:\s+of\s+(?:the\s+)?(?:loss|incident))?"
    r"|description)\b(?!\s*\.)\s*[:\-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# A line that starts another field ends a labelled description; matched only on capitalised lines.
_FIELD_LINE = re.compile(
    r"^(?:policy\s*(?:number|no\b|#|start|effective)|policyholder|name\s+of\s+insured|insured\s+name"
    r"|date\s+(?:of|submitted)\b|(?:incident|loss|report|birth|inception)\s+date|loss\s+occurred\s+on|dob\b"
    r"|estimated\s+cost|cover\s+start|submitted\s+on|claim\s+(?:reference|number)|field\s+details"
    r"|(?:address|(?:tele)?phone|mobile|e-?mail|signature|declaration)\b\s*(?:[:+(\d]|\S+@)"
    r"|[A-Z][\w .#/()'-]{0,40}:(?:\s|$))",
    re.IGNORECASE,
)
_PROSE_DESCRIPTION_CUE = re.compile(r"\b(?:as\s+follows|what\s+happened)\s*[:.]", re.IGNORECASE)
# Sentences about contact details, money, dates or sign-off end a letter's account of the loss.
_ADMIN_SENTENCE = re.compile(
    r"@|\+?\d[\d ()-]{6,}\d|(?-i:\b[A-Z]{3}\s?\d)|[$€£]\s?\d|\bPOL-"
    r"|\b(?:please|yours|sincerely|regards|faithfully|contact|thank|attached|enclosed|records|estimate)\b"
    r"|^(?:dear|re:|subject:)",
    re.IGNORECASE,
)
_DAMAGE_WORDS = re.compile(
    r"\b(?:burst|leak\w*|flood\w*|water|fire|smoke|flames?|storm|wind\w*|hail\w*|tree|stolen|theft|burglar\w*"
    r"|thie\w+|broke\w*|smash\w*|crack\w*|shatter\w*|collided|struck|hit|dent\w*|damaged)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


class ExtractedField(BaseModel):
    """One extracted value with how sure the rules are and the text that justifies it."""

    model_config = ConfigDict(frozen=True)

    value: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: str


class ExtractedFields(BaseModel):
    """The fields a claim needs before it can be matched to its policy and clause."""

    model_config = ConfigDict(frozen=True)

    policy_number: ExtractedField
    incident_date: ExtractedField
    damage_description: ExtractedField


NOT_FOUND = ExtractedField(value=None, confidence=0.0, evidence="")


@dataclass(frozen=True)
class _Candidate:
    value: str
    confidence: float
    evidence: str


def extract_fields(text: str, region: str) -> ExtractedFields:
    """Extract policy number, incident date and damage description from a document's text.

    Args:
        text: The document text, as `DocumentText.text` gives it.
        region: The claim's region; decides day/month order of numeric dates (US month-first)
            and flags a policy number issued in another region.
    """
    clean = _clean(text)
    region = region.upper()
    return ExtractedFields(
        policy_number=_extract_policy_number(clean, region),
        incident_date=_extract_incident_date(clean, region),
        damage_description=_extract_description(clean),
    )


def _clean(text: str) -> str:
    """Unify the Unicode variants of dashes and spaces that PDFs produce, and line endings."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = re.sub(r"[^\S\n]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())[:EVIDENCE_CHARS]


def _decide(candidates: list[_Candidate]) -> ExtractedField:
    """Take the first candidate, unless candidates disagree: then it is only a guess."""
    if not candidates:
        return NOT_FOUND
    first = candidates[0]
    confidence = first.confidence
    if len({c.value for c in candidates}) > 1:
        confidence = min(confidence, CONFLICT)
    return ExtractedField(value=first.value, confidence=confidence, evidence=first.evidence)


# --- policy number ------------------------------------------------------------------------------


def _normalise_policy(match: re.Match[str]) -> str:
    region, year, serial = match.groups()
    return f"POL-{region.upper()}-{year}-{serial}"


def _extract_policy_number(text: str, region: str) -> ExtractedField:
    labelled = list(_labelled_policies(text))
    if labelled:
        found = _decide(labelled)
    else:
        shaped = [
            _Candidate(_normalise_policy(m), UNLABELLED_POLICY, _snippet(text, m.start(), m.end()))
            for m in _POLICY_SHAPE.finditer(text)
        ]
        found = _decide(shaped)
        if len({c.value for c in shaped}) > 1:
            found = found.model_copy(update={"confidence": min(found.confidence, GUESS)})
    issued_in = _POLICY_SHAPE.fullmatch(found.value or "")
    if issued_in and issued_in.group(1).upper() != region:
        found = found.model_copy(update={"confidence": min(found.confidence, REGION_MISMATCH_CAP)})
    return found


def _labelled_policies(text: str) -> Iterator[_Candidate]:
    for label in _POLICY_LABEL.finditer(text):
        shaped = _POLICY_SHAPE.match(text, label.end())
        if shaped:
            yield _Candidate(
                _normalise_policy(shaped), LABELLED_POLICY, _snippet(text, label.start(), shaped.end())
            )
            continue
        token = _POLICY_TOKEN.match(text, label.end())
        if token:
            yield _Candidate(
                token.group().upper(), LABELLED_ODD_POLICY, _snippet(text, label.start(), token.end())
            )


# --- incident date ------------------------------------------------------------------------------


def _parse_date(match: re.Match[str], region: str) -> tuple[date, bool] | None:
    """Return the date and whether its day/month order was ambiguous, or None for impossible dates."""
    raw = match.group()
    try:
        if match.group("iso"):
            year, month, day = (int(part) for part in raw.split("-"))
            return date(year, month, day), False
        if match.group("num"):
            return _parse_numeric(raw, match.group("sep"), region)
        words = re.findall(r"[A-Za-z]+|\d+", raw)
        numbers = [int(w) for w in words if w.isdigit()]
        month = next(_MONTH_NAMES[w.lower()] for w in words if w.lower() in _MONTH_NAMES)
        return date(numbers[-1], month, numbers[0]), False
    except ValueError:
        return None


def _parse_numeric(raw: str, sep: str, region: str) -> tuple[date, bool] | None:
    first, second, year = (int(part) for part in raw.split(sep))
    # Dotted dates are a day-first convention everywhere; slashes and dashes follow the region.
    month_first = sep != "." and region in MONTH_FIRST_REGIONS
    orders = [(second, first), (first, second)] if month_first else [(first, second), (second, first)]
    for day, month in orders:
        try:
            return date(year, month, day), first <= 12 and second <= 12 and first != second
        except ValueError:
            continue
    return None


def _date_after(text: str, pos: int, region: str) -> tuple[re.Match[str], date, bool] | None:
    match = _DATE.match(text, pos)
    if not match:
        return None
    parsed = _parse_date(match, region)
    return (match, *parsed) if parsed else None


def _extract_incident_date(text: str, region: str) -> ExtractedField:
    labelled: list[_Candidate] = []
    for pattern, confidence in ((_INCIDENT_LABEL, LABELLED_DATE), (_INCIDENT_PROSE, PROSE_DATE)):
        for label in pattern.finditer(text):
            found = _date_after(text, label.end(), region)
            if found:
                match, value, ambiguous = found
                score = round(confidence - (AMBIGUOUS_DATE_PENALTY if ambiguous else 0.0), 2)
                labelled.append(
                    _Candidate(value.isoformat(), score, _snippet(text, label.start(), match.end()))
                )
    if labelled:
        return _decide(labelled)
    return _unlabelled_date(text, region)


def _unlabelled_date(text: str, region: str) -> ExtractedField:
    """Fall back to dates whose context does not mark them as report, birth or policy dates."""
    candidates = []
    for match in _DATE.finditer(text):
        context = text[max(0, match.start() - _OTHER_DATE_CONTEXT_CHARS) : match.start()]
        parsed = _parse_date(match, region)
        if parsed is None or _OTHER_DATE_CONTEXT.search(context):
            continue
        value, ambiguous = parsed
        score = round(UNLABELLED_DATE - (AMBIGUOUS_DATE_PENALTY if ambiguous else 0.0), 2)
        start = max(0, match.start() - _OTHER_DATE_CONTEXT_CHARS)
        candidates.append(_Candidate(value.isoformat(), score, _snippet(text, start, match.end())))
    found = _decide(candidates)
    if len(candidates) > 1:
        found = found.model_copy(update={"confidence": min(found.confidence, GUESS)})
    return found


# --- damage description -------------------------------------------------------------------------


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines with spaces, re-joining words the layout hyphenated at a line end."""
    joined = ""
    for line in lines:
        if joined.endswith("-") and joined[-2:-1].isalpha() and line[:1].islower():
            joined += line
        else:
            joined = f"{joined} {line}" if joined else line
    return " ".join(joined.split())


def _extract_description(text: str) -> ExtractedField:
    return _labelled_description(text) or _prose_description(text) or _keyword_description(text) or NOT_FOUND


def _labelled_description(text: str) -> ExtractedField | None:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        label = _DESCRIPTION_LABEL.match(line)
        if not label:
            continue
        continuation = []
        for following in lines[index + 1 : index + 1 + MAX_DESCRIPTION_LINES]:
            if not following or (following[0].isupper() and _FIELD_LINE.match(following)):
                break
            continuation.append(following)
        value = _join_lines([label.group("rest"), *continuation])
        if value:
            evidence = " ".join([line, *continuation])
            return ExtractedField(
                value=value, confidence=LABELLED_DESCRIPTION, evidence=evidence[:EVIDENCE_CHARS]
            )
    return None


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(_join_lines(text.split("\n"))) if s]


def _account(sentences: list[str]) -> list[str]:
    """The leading run of sentences that describe the loss rather than dates, contacts or sign-off."""
    taken: list[str] = []
    for sentence in sentences:
        if (
            _ADMIN_SENTENCE.search(sentence)
            or _DATE.search(sentence)
            or len(taken) == MAX_DESCRIPTION_SENTENCES
        ):
            break
        taken.append(sentence)
    return taken


def _prose_description(text: str) -> ExtractedField | None:
    cue = _PROSE_DESCRIPTION_CUE.search(text)
    if not cue:
        return None
    taken = _account(_sentences(text[cue.end() :]))
    if not taken:
        return None
    value = " ".join(taken)
    evidence = _snippet(f"{cue.group()} {value}", 0, EVIDENCE_CHARS)
    return ExtractedField(value=value, confidence=PROSE_DESCRIPTION, evidence=evidence)


def _keyword_description(text: str) -> ExtractedField | None:
    """Last resort: the first run of sentences that mention a kind of damage."""
    sentences = _sentences(text)
    for index, sentence in enumerate(sentences):
        if (
            _DAMAGE_WORDS.search(sentence)
            and not _ADMIN_SENTENCE.search(sentence)
            and not _DATE.search(sentence)
        ):
            value = " ".join(_account(sentences[index:]))
            return ExtractedField(value=value, confidence=GUESS, evidence=value[:EVIDENCE_CHARS])
    return None
