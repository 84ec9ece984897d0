"""Deterministic rules that pull the key claim fields out of a document's text.

A value found next to its label ("Date of loss: 17.03.2024") scores 0.93-0.98; a
value found by its shape alone scores at most 0.75, and a conflict or a guess
less. Downstream, a claim is auto-approved only when its fields score >= 0.9, so
nothing below a label may reach that threshold.

Fields: policy number (canonical `POL-EU-2024-001234`, the short forms `88 4417 22`
and `884417/22` = serial and two-digit year, OCR's O/0 and I/1 confusions), incident
date, damage description, damage type (classified from the description), claimed
amount with its currency, and the date the claim was reported (for the reporting
window rule). Policy numbers are only *read* here; the validator resolves them
against the region's policy book.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from agents.events import ClaimFields, ExtractedField
from agents.extraction.lexicon import denied, find_distractors

# --- confidence levels --------------------------------------------------------------------------
LABELLED_POLICY = 0.98  # label and the policy book's number format agree
LABELLED_SHORT_POLICY = 0.95  # "Policy No. 88 4417 22": serial and year; the region comes from the claim
OCR_REPAIRED_POLICY = 0.93  # O/0 or I/1 read in a digit position of a labelled number, repaired by shape
LABELLED_ODD_POLICY = 0.8  # a label, but the value does not look like our policy numbers
UNLABELLED_POLICY = 0.75  # the only policy-shaped token in the text, no label
LABELLED_DATE = 0.97
PROSE_DATE = 0.94  # "... it occurred on 17 March": a verb, but no noun saying what occurred
AMBIGUOUS_DATE_PENALTY = 0.05  # 03/04/2024: day/month order taken from the region's convention
UNLABELLED_DATE = 0.7  # the only date left once report, birth and policy dates are set aside
LABELLED_DESCRIPTION = 0.97
PROSE_DESCRIPTION = 0.85  # where a letter's account of the loss ends is a heuristic
# The account is exactly one paragraph after its cue ("as follows."), ends where the layout
# ends the paragraph, and its first sentence names a kind of damage. Calibrated on
# `claimflow eval extraction` (README): every such reading was right, see PROSE_DESCRIPTION.
BOUNDED_PROSE_DESCRIPTION = 0.92
CONFLICT = 0.5  # two labelled values disagree, or several unlabelled candidates
GUESS = 0.45
REGION_MISMATCH_CAP = 0.6  # a POL-US number on an EU claim needs a human
LABELLED_AMOUNT = 0.97
PROSE_AMOUNT = 0.94  # "I estimate the cost of repairs at EUR 4,850.00"
UNLABELLED_AMOUNT = 0.7  # the only sum of money in the text
DOLLAR_IN_US = 0.92  # a bare "$" on a US claim
AMBIGUOUS_CURRENCY = 0.6  # a bare "$" elsewhere: SGD, AUD, NZD and HKD all write it
LABELLED_DAMAGE_TYPE = 0.97  # "Type of loss: Storm"
CLASSIFIED_DAMAGE_TYPE = 0.95  # the event sentence names exactly one kind of damage
MIXED_DAMAGE_TYPE = 0.8  # the event sentence names several; cause wins over consequence
LATE_DAMAGE_TYPE = 0.75  # only a later sentence of the account names a kind of damage
LABELLED_REPORT_DATE = 0.97
LETTER_HEAD_DATE = 0.95  # "Berlin, 20 March 2024" heading a letter (0.93 before the eval: README)

MONTH_FIRST_REGIONS = frozenset({"US"})
MAX_DESCRIPTION_SENTENCES = 4
MIN_DESCRIPTION_WORDS = 2
MAX_DESCRIPTION_LINES = 12
EVIDENCE_CHARS = 300

# Month names in English, German, French and Spanish, with common abbreviations and the
# spellings without accents that typing and OCR produce (Marz, fevrier, aout).
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "januar", "jänner", "janvier", "enero", "ene"),
            ("feb", "february", "februar", "février", "fevrier", "févr", "fevr", "febrero"),
            ("mar", "march", "märz", "marz", "maerz", "mars", "marzo", "mär"),
            ("apr", "april", "avril", "avr", "abril", "abr"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juni", "juin", "junio"),
            ("jul", "july", "juli", "juillet", "juil", "julio"),
            ("aug", "august", "août", "aout", "agosto", "ago"),
            ("sep", "sept", "september", "septembre", "septiembre", "setiembre"),
            ("oct", "october", "oktober", "okt", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
# 17, 17th, 1st, 1er (French), and 17. (German ordinal dot)
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?\.?"
_DATE = re.compile(
    rf"(?P<iso>\b\d{{4}}(?P<isep>[-/.])\d{{1,2}}(?P=isep)\d{{1,2}}\b)"
    rf"|(?P<num>\b\d{{1,2}}(?P<sep>[./-])\d{{1,2}}(?P=sep)\d{{4}}\b)"
    rf"|(?P<dmy>\b{_DAY}(?:\s+|-)(?:of\s+|de\s+)?{_MONTH}(?:\s*,?\s+|-)(?:de\s+|del\s+)?\d{{4}}\b)"
    rf"|(?P<mdy>\b{_MONTH}\s+{_DAY}\s*,?\s+\d{{4}}\b)",
    re.IGNORECASE,
)
# Public for the redactor, which must leave every date the extractor reads intact.
DATE_PATTERN = _DATE
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
    r"\bpol(?:icy)?\.?\s*-?\s*(?:number|num\b\.?|no\b\.?|nr\b\.?|#|ref(?:erence)?\b)\s*[:.\-]?\s*",
    re.IGNORECASE,
)
# O/o and I/l/| stand in for 0 and 1 where OCR misreads digits; only digit positions are repaired.
_OCR_DIGIT = r"[\dOoIl|]"
_OCR_DIGITS = str.maketrans("OoIl|", "00111")
_POLICY_SHAPE = re.compile(
    rf"\bP[O0]L[\s_/-]*([A-Z]{{2,4}})[\s_/-]*({_OCR_DIGIT}{{4}})[\s_/-]*({_OCR_DIGIT}{{6}})\b", re.IGNORECASE
)
# Public for the redactor, which must leave every policy number the extractor reads intact.
POLICY_PATTERN = _POLICY_SHAPE
# Short forms print the six-digit serial and the issue year's last two digits: 88 4417 22, 884417/22.
_SHORT_POLICY = re.compile(
    r"(\d{2})[ .]?(\d{4})[ .]?(\d{2})\b(?![./-]\d)|(\d{6}) ?[/-] ?(\d{2})\b(?![./-]\d)"
)
_POLICY_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]*\d[A-Za-z0-9/-]*")
_NUMBER_GROUP = r"(?:[A-Za-z0-9]*\d[A-Za-z0-9]*|[A-Z]{1,4})(?![A-Za-z0-9])"  # "SGH", "9840", "6095W"
# A letter names its policy in a sentence ("a claim under my policy SGH.9840.150", "dans le cadre de
# mon contrat A/2024/98964-B", "mi póliza HS 0886 254 9"): the number as written when the book
# knows none. French "police" is the policy; an English police report is not.
_POLICY_IN_PROSE = re.compile(
    r"\b(?:policy|contrat|p[oó]liza|polizze|versicherungsschein|vertrag"
    r"|police(?!\s+(?:report|reference|ref|station|case|nationale|municipale|officer|number|no\b)))"
    r"(?:\s*(?:n[°º]|nr|no|number|nummer|n[uú]mero|num[ée]ro)\.?)?\s*:?\s*"
    rf"(?P<number>(?-i:{_NUMBER_GROUP}(?:[ ./-]{_NUMBER_GROUP})*))",
    re.IGNORECASE,
)
_PROSE_POLICY_DIGITS = 4  # fewer digits than this after a policy word are a count or a clause, no number

# Column headings beside "Description" make the line a table's header, not a description label.
_TABLE_HEADER = re.compile(
    r"\b(?:qty|quantity|unit|price|amount|total|rate|hours?|menge|einzelpreis|betrag|prix|quantit[ée]|"
    r"montant|precio|cantidad|importe)\b",
    re.IGNORECASE,
)
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
# A form's question and its answer boxes or words: never part of the account above it.
_FORM_QUESTION = re.compile(r"\?\s*(?:$|[\[(□☐☒☑■▢]|(?:yes|no|ja|nein|oui|non|s[ií])\b)", re.IGNORECASE)
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


NOT_FOUND = ExtractedField(value=None, confidence=0.0, evidence="")


@dataclass(frozen=True)
class _Candidate:
    value: str
    confidence: float
    evidence: str
    candidates: tuple[str, ...] = field(default=())


def extract_fields(text: str, region: str) -> ClaimFields:
    """Extract policy number, incident date and damage description from a document's text.

    Args:
        text: The document text, as `DocumentText.text` gives it.
        region: The claim's region; decides day/month order of numeric dates (US month-first)
            and flags a policy number issued in another region.
    """
    clean = _clean(text)
    region = region.upper()
    description = _extract_description(clean)
    amount, currency = _extract_amount(clean, region)
    found = {
        "policy_number": _extract_policy_number(clean, region),
        "incident_date": _extract_incident_date(clean, region),
        "damage_description": description,
        "damage_type": _extract_damage_type(clean, description),
        "claimed_amount": amount,
        "currency": currency,
        "reported_on": _extract_reported_on(clean, region),
    }
    starts = _page_starts(clean)
    return ClaimFields(**{name: _with_page(f, clean, starts) for name, f in found.items()})


def _page_starts(text: str) -> list[int]:
    """Offsets where pages 2, 3, ... begin (the reader separates pages with a form feed line)."""
    return [m.end() for m in re.finditer(r"\f", text)]


def _with_page(found: ExtractedField, text: str, starts: list[int]) -> ExtractedField:
    """Locate the evidence in the text to tell the reviewer which page to look at."""
    words = found.evidence.split()[:8]
    if not words:
        return found
    located = re.search(r"\s+".join(map(re.escape, words)), text)
    if located is None:
        return found
    page = 1 + sum(1 for start in starts if start <= located.start())
    return found.model_copy(update={"page": page})


def _clean(text: str) -> str:
    """Unify the Unicode variants of dashes and spaces that PDFs produce, and line endings."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Keep page breaks as a bare form feed between empty lines: no pattern reads across it.
    pages = [re.sub(r"[^\S\n]+", " ", page) for page in text.split("\f")]
    return "\n\f\n".join("\n".join(line.strip() for line in page.split("\n")) for page in pages)


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())[:EVIDENCE_CHARS]


def _decide(candidates: list[_Candidate]) -> ExtractedField:
    """Take the first candidate, unless candidates disagree: then it is only a guess."""
    if not candidates:
        return NOT_FOUND
    first = candidates[0]
    confidence = first.confidence
    others = [c.value for c in candidates if c.value != first.value]
    if others:
        confidence = min(confidence, CONFLICT)
    return ExtractedField(
        value=first.value,
        confidence=confidence,
        evidence=first.evidence,
        candidates=list(dict.fromkeys([*first.candidates, *others])),
    )


# --- policy number ------------------------------------------------------------------------------


def _normalise_policy(match: re.Match[str]) -> tuple[str, bool]:
    """The canonical number, and whether an OCR letter had to be read as a digit."""
    region, year, serial = match.groups()
    digits = (year + serial).translate(_OCR_DIGITS)
    return f"POL-{region.upper()}-{digits[:4]}-{digits[4:]}", digits != year + serial


def _short_policy(match: re.Match[str], region: str) -> str:
    """`88 4417 22` and `884417/22` name serial 884417 issued in 2022 in the claim's own region."""
    head, middle, year, serial, year2 = match.groups()
    serial, year = (head + middle, year) if head else (serial, year2)
    return f"POL-{region}-20{year}-{serial}"


def _extract_policy_number(text: str, region: str) -> ExtractedField:
    labelled = list(_labelled_policies(text, region))
    if labelled:
        found = _decide(labelled)
    else:
        shaped = []
        for m in _POLICY_SHAPE.finditer(text):
            value, repaired = _normalise_policy(m)
            score = min(UNLABELLED_POLICY, OCR_REPAIRED_POLICY) if repaired else UNLABELLED_POLICY
            shaped.append(_Candidate(value, score, _snippet(text, m.start(), m.end())))
        found = _decide(shaped) if shaped else _decide(list(_policies_in_prose(text)))
        if len({c.value for c in shaped}) > 1:
            found = found.model_copy(update={"confidence": min(found.confidence, GUESS)})
    issued_in = _POLICY_SHAPE.fullmatch(found.value or "")
    if issued_in and issued_in.group(1).upper() != region:
        found = found.model_copy(update={"confidence": min(found.confidence, REGION_MISMATCH_CAP)})
    return found


def _labelled_policies(text: str, region: str) -> Iterator[_Candidate]:
    for label in _POLICY_LABEL.finditer(text):
        shaped = _POLICY_SHAPE.match(text, label.end())
        if shaped:
            value, repaired = _normalise_policy(shaped)
            yield _Candidate(
                value,
                OCR_REPAIRED_POLICY if repaired else LABELLED_POLICY,
                _snippet(text, label.start(), shaped.end()),
            )
            continue
        short = _SHORT_POLICY.match(text, label.end())
        if short:
            yield _Candidate(
                _short_policy(short, region),
                LABELLED_SHORT_POLICY,
                _snippet(text, label.start(), short.end()),
            )
            continue
        token = _POLICY_TOKEN.match(text, label.end())
        if token:
            yield _Candidate(
                token.group().upper(), LABELLED_ODD_POLICY, _snippet(text, label.start(), token.end())
            )


def _policies_in_prose(text: str) -> Iterator[_Candidate]:
    for found in _POLICY_IN_PROSE.finditer(text):
        number = found.group("number").rstrip("./-")
        if sum(ch.isdigit() for ch in number) >= _PROSE_POLICY_DIGITS:
            yield _Candidate(number.upper(), UNLABELLED_POLICY, _snippet(text, found.start(), found.end()))


# --- incident date ------------------------------------------------------------------------------


def _parse_date(match: re.Match[str], region: str) -> tuple[date, bool] | None:
    """Return the date and whether its day/month order was ambiguous, or None for impossible dates."""
    raw = match.group()
    try:
        if match.group("iso"):
            year, month, day = (int(part) for part in raw.split(match.group("isep")))
            return date(year, month, day), False
        if match.group("num"):
            return _parse_numeric(raw, match.group("sep"), region)
        words = re.findall(r"[^\W\d_]+|\d+", raw)
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
        if not label or len(_TABLE_HEADER.findall(label.group("rest"))) >= 2:
            continue  # no label, or a table's header ("Description Qty Unit price Amount")
        continuation = []
        for following in lines[index + 1 : index + 1 + MAX_DESCRIPTION_LINES]:
            if not following or (following[0].isupper() and _FIELD_LINE.match(following)):
                break
            if _FORM_QUESTION.search(following):
                break  # the form's next question ("Were the police informed? □Yes ☒No")
            continuation.append(following)
        value = _join_lines([label.group("rest"), *continuation])
        if len(value.split()) >= MIN_DESCRIPTION_WORDS:  # one word is a form's next heading ("Time")
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


# A line ends its paragraph when the next line's first word would have fitted on it. Widths
# are counted in characters of a proportional font, hence the margin.
_PARAGRAPH_FILL = 0.85


def _paragraph_after(text: str, start: int) -> str | None:
    """The rest of the paragraph that `start` is in, or None unless its extent is beyond doubt.

    PDF and OCR text keeps the layout's line breaks but not its blank lines, so a paragraph
    end is read from the line lengths: a line ending a sentence that leaves room for the next
    line's first word was ended on purpose. A sentence ending at the end of a fuller line could
    be a wrap or a paragraph end: unless the next sentence is plainly not part of an account
    (contact details, a date, the sign-off), the extent is in doubt, and None is returned.
    """
    page_start = text.rfind("\f", 0, start) + 1
    page_end = text.find("\f", start)
    page = text[page_start : page_end if page_end >= 0 else len(text)]
    width = max((len(line) for line in page.split("\n")), default=0)
    lines = text[start : page_end if page_end >= 0 else len(text)].split("\n")
    # The first line starts mid-line: its length on the page includes what precedes `start`.
    lead = start - (text.rfind("\n", 0, start) + 1)
    taken: list[str] = []
    for index, line in enumerate(lines[:-1]):
        taken.append(line)
        following = lines[index + 1].split(" ", 1)[0]
        if not line.strip():
            if any(t.strip() for t in taken):
                return "\n".join(taken)
            continue
        length = len(line) + (lead if index == 0 else 0)
        ends_sentence = line.rstrip().endswith((".", "!", "?"))
        if ends_sentence and following and length + 1 + len(following) <= _PARAGRAPH_FILL * width:
            # The cue's own line may end right after the cue: the account is the next paragraph.
            if any(t.strip() for t in taken):
                return "\n".join(taken)
        elif ends_sentence:
            # A full line: a wrap, or a paragraph end that filled the line? It does not matter
            # when the next sentence would end the account anyway (contacts, dates, sign-off).
            upcoming = _sentences("\n".join(lines[index + 1 :]))[:1]
            if upcoming and (_ADMIN_SENTENCE.search(upcoming[0]) or _DATE.search(upcoming[0])):
                return "\n".join(taken)
            return None
    return None


def _prose_description(text: str) -> ExtractedField | None:
    cue = _PROSE_DESCRIPTION_CUE.search(text)
    if not cue:
        return None
    confidence = PROSE_DESCRIPTION
    paragraph = _paragraph_after(text, cue.end())
    in_paragraph = _sentences(paragraph) if paragraph else []
    taken = _account(in_paragraph)
    if taken and len(taken) == len(in_paragraph) and _kinds_named(taken[0]):
        confidence = BOUNDED_PROSE_DESCRIPTION
    else:
        taken = _account(_sentences(text[cue.end() :]))
    if not taken:
        return None
    value = " ".join(taken)
    evidence = _snippet(f"{cue.group()} {value}", 0, EVIDENCE_CHARS)
    return ExtractedField(value=value, confidence=confidence, evidence=evidence)


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


# --- damage type --------------------------------------------------------------------------------

DAMAGE_TYPES = ("water", "fire", "storm", "theft", "collision", "glass", "other")
# When one sentence names several kinds, the cause outranks the consequence: flood water in a
# storm is storm damage, a window broken by burglars is theft, a windscreen cracked in a crash
# is collision damage.
_CAUSE_PRECEDENCE = ("storm", "fire", "theft", "collision", "water", "glass", "other")
_VEHICLE = r"(?:car|vehicle|van|lorry|truck|bus|motorbike|cyclist|driver)"
_DAMAGE_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "water": r"\b(?:burst|leak\w*|pipes?|plumb\w*|flood(?:ed|ing)?|water|hose|seep\w*|soak\w*"
        r"|dishwasher|washing\s+machine|cylinder|damp)\b",
        # Lightning is insured with fire ("fire, lightning, explosion"), not with storm.
        "fire": r"\b(?:fire|flames?|smoke|burn(?:t|ed|ing)?|alight|blaze|soot|scorch\w*|ignit(?:ed|es|ing)"
        r"|arson|lightning)\b",
        "storm": r"\b(?:storm\w*|gale|(?:high\s+)?winds?|hail\w*|hurricane|tornado|typhoon|cyclone|monsoon"
        r"|thunderstorm)\b",
        "theft": r"\b(?:stole|stolen|theft|thie(?:f|ves)|burglar\w*|break-in|broke\s+into|robbed|robbery"
        r"|taken\s+from|was\s+taken|took\s+(?:the|two|cash|our|my))\b",
        "collision": rf"\b(?:collided|collision|rear-ended|crash(?:ed)?|bollard|pulled\s+out|changed\s+lanes"
        rf"|drove\s+into)\b|\b{_VEHICLE}\b.*\b(?:hit|struck)\b|\b(?:hit|struck)\b.*\b{_VEHICLE}\b",
        "glass": r"\b(?:glass|glaz\w*|windscreen|windshield|sunroof|skylight|shower\s+screen|pane"
        r"|shatter\w*)\b",
        "other": r"\b(?:spill\w*|ladder|accident(?:al|ally)?|knocked|dropped|paint|decorating)\b",
    }.items()
}
# Words that often only say where something happened ("climbed through a window"): they name a
# kind of damage only when nothing else in the sentence does.
_WEAK_DAMAGE_CUES: dict[str, re.Pattern[str]] = {
    "glass": re.compile(r"\bwindows?\b", re.IGNORECASE),
}
_DAMAGE_TYPE_LABEL = re.compile(
    r"\b(?:type\s+of\s+(?:damage|loss|claim|incident)|(?:damage|loss|claim|peril)\s+type|cause\s+of\s+loss"
    r"|peril)[ \t]*[:\-]?[ \t]*(?P<value>[A-Za-z ]{3,30})",  # the value on the label's line
    re.IGNORECASE,
)

_BOX = re.compile(r"[☐☒☑□■▣▢]|\[\s*[xX✓✔ ]?\s*\]")


def _options_row(line: str) -> bool:
    """A form's row of choices: tick boxes, or three or more kinds of damage named side by side.

    Side by side means a list, not a sentence: "Flood water rose during the storm and cracked the
    windscreen" names three kinds too, and is an account.
    """
    if _BOX.search(line):
        return True
    kinds = len(_kinds_named(line))
    return kinds >= 3 and len(line.split()) <= 2 * kinds + 3


def _kinds_named(sentence: str) -> list[str]:
    """The kinds of damage a sentence names, causes first; a denied one ("No fire was involved") is none."""
    strong = [kind for kind in _CAUSE_PRECEDENCE if _named(_DAMAGE_CUES[kind], sentence)]
    return strong or [kind for kind, cue in _WEAK_DAMAGE_CUES.items() if _named(cue, sentence)]


def _named(cue: re.Pattern[str], sentence: str) -> bool:
    return any(not denied(sentence, *found.span()) for found in cue.finditer(sentence))


def _extract_damage_type(text: str, description: ExtractedField) -> ExtractedField:
    """A printed damage type if the form has one, else the kind of damage the account describes.

    The account's first sentence is the event ("a pipe burst"); later ones describe the
    aftermath ("the ceiling is stained"), so they only decide when the event names nothing.
    A type read from a description is never surer than the description itself.
    """
    for label in _DAMAGE_TYPE_LABEL.finditer(text):
        line_end = text.find("\n", label.end())
        if _BOX.search(text, label.start(), line_end if line_end >= 0 else len(text)):
            continue  # a row of tick boxes: which one is ticked is the layout reader's to say
        kinds = _kinds_named(label.group("value"))
        named = [kind for kind in kinds if kind != "other"] or kinds  # "Accidental glass breakage" is glass
        if len(named) == 1:
            evidence = _snippet(text, label.start(), label.end())
            return ExtractedField(value=named[0], confidence=LABELLED_DAMAGE_TYPE, evidence=evidence)
    # A row of tick boxes names every kind: it says nothing until one is read as ticked.
    source, ceiling = (description.value, description.confidence) if description.value else (text, GUESS)
    source = "\n".join(line for line in source.splitlines() if not _options_row(line))
    for index, sentence in enumerate(_sentences(source)):
        named = _kinds_named(sentence)
        if not named:
            continue
        if index > 0:
            score = LATE_DAMAGE_TYPE
        else:
            score = CLASSIFIED_DAMAGE_TYPE if len(named) == 1 else MIXED_DAMAGE_TYPE
        candidates = named[1:]
        return ExtractedField(
            value=named[0],
            confidence=min(score, ceiling),
            evidence=sentence[:EVIDENCE_CHARS],
            candidates=candidates,
        )
    if description.value and not _options_row(description.value):
        return ExtractedField(
            value="other", confidence=min(GUESS, ceiling), evidence=description.value[:EVIDENCE_CHARS]
        )
    return NOT_FOUND


# --- claimed amount and currency ----------------------------------------------------------------

_CODES = r"EUR|USD|SGD|GBP|AUD|NZD|HKD|CHF|JPY|CAD"
_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "US$": "USD",
    "S$": "SGD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
}
_SYMBOL = r"US\$|S\$|A\$|NZ\$|HK\$|[€£¥$]"
_NUMBER = r"\d{1,3}(?:[,.'\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    rf"(?-i:(?P<pre>{_CODES})\b|(?P<sym>{_SYMBOL}))\s?(?P<num>{_NUMBER})(?!\d)"
    rf"|(?<![\d.,])(?P<num2>{_NUMBER})\s?(?-i:(?P<post>{_CODES})\b|(?P<postsym>€))",
)
_AMOUNT_LABEL = re.compile(
    r"\b(?:estimated\s+(?:repair\s+)?costs?(?:\s+of\s+(?:the\s+)?repairs?)?|claimed\s+amount|amount\s+claimed"
    r"|claim\s+amount|total\s+(?:claimed|amount|loss)|amount\s+of\s+(?:the\s+)?(?:claim|loss)"
    r"|repair\s+(?:costs?|estimate)|cost\s+of\s+repairs?)\s*[:\-]?\s*(?:of\s+|approx(?:imately|\.)?\s+)?",
    re.IGNORECASE,
)
_AMOUNT_PROSE = re.compile(
    r"\b(?:estimate[sd]?|put|value[sd]?)\s+the\s+(?:total\s+)?(?:cost|damage|loss)\s+(?:of\s+(?:the\s+)?repairs?\s+)?"
    r"(?:at|to\s+be|as)\s+(?:about\s+|approximately\s+)?|\bclaim(?:ing)?\s+(?:for\s+)?(?:a\s+total\s+of\s+)?",
    re.IGNORECASE,
)


def parse_amount(raw: str) -> Decimal | None:
    """A printed sum as a Decimal: `4,850.00`, `4.850,00`, `4 850` and `4850,5` all work.

    With both separators, the last one is the decimal mark; with one kind only, it is a
    decimal mark when one to two digits follow it once, else it groups thousands.
    """
    digits = re.sub(r"[\u00a0 ']", "", raw)  # spaces and apostrophes only ever group thousands
    marks = [c for c in digits if c in ",."]
    if marks and len(set(marks)) == 2:
        decimal_mark = marks[-1]
    elif marks and len(marks) == 1 and len(digits) - digits.index(marks[0]) - 1 in (1, 2):
        decimal_mark = marks[0]
    else:
        decimal_mark = ""
    whole, _, fraction = digits.rpartition(decimal_mark) if decimal_mark else (digits, "", "")
    whole = whole.replace(",", "").replace(".", "")
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        return None


def _money_at(text: str, pos: int) -> re.Match[str] | None:
    return _MONEY.match(text, pos)


def _currency_of(match: re.Match[str], region: str, confidence: float) -> tuple[str | None, float]:
    code = match.group("pre") or match.group("post")
    if code:
        return code, confidence
    symbol = match.group("sym") or match.group("postsym")
    if symbol in _SYMBOLS:
        return _SYMBOLS[symbol], confidence
    if region == "US":
        return "USD", min(confidence, DOLLAR_IN_US)
    return {"APAC": "SGD"}.get(region), min(confidence, AMBIGUOUS_CURRENCY)


def _extract_amount(text: str, region: str) -> tuple[ExtractedField, ExtractedField]:
    """The sum the customer claims, labelled or stated in prose, and the currency it is in."""
    found: list[tuple[re.Match[str], float, int]] = []
    for pattern, confidence in ((_AMOUNT_LABEL, LABELLED_AMOUNT), (_AMOUNT_PROSE, PROSE_AMOUNT)):
        for label in pattern.finditer(text):
            money = _money_at(text, label.end())
            if money:
                found.append((money, confidence, label.start()))
    if not found:
        unlabelled = list(_MONEY.finditer(text))
        score = UNLABELLED_AMOUNT if len(unlabelled) == 1 else GUESS
        found = [(m, score, max(0, m.start() - 30)) for m in unlabelled]
    amounts: list[_Candidate] = []
    currencies: list[_Candidate] = []
    for money, confidence, start in found:
        value = parse_amount(money.group("num") or money.group("num2"))
        if value is None:
            continue
        evidence = _snippet(text, start, money.end())
        amounts.append(_Candidate(f"{value:.2f}", confidence, evidence))
        currency, sure = _currency_of(money, region, confidence)
        if currency:
            currencies.append(_Candidate(currency, sure, evidence))
    return _decide(amounts), _decide(currencies)


# --- reported on --------------------------------------------------------------------------------

_REPORT_LABEL = re.compile(
    r"\b(?:date\s+of\s+(?:report|submission|notification|claim)|report(?:ed)?\s+(?:date|on)"
    r"|submitted\s+on|date\s+submitted|notified\s+on|submission\s+date)\s*[:\-]?\s*",
    re.IGNORECASE,
)
# A letter opens with "<place>, <date>" on a line of its own.
_LETTER_HEAD = re.compile(r"^[^\n,:]{2,60},[ ]*(?=\S)", re.MULTILINE)


def dated_by_letter_head(found: ExtractedField) -> bool:
    """Whether a report date was read from a letter's heading ("Berlin, 20 March 2024"), not a label."""
    evidence = found.evidence
    return bool(found.value and _LETTER_HEAD.match(evidence)) and not _REPORT_LABEL.match(evidence)


def _extract_reported_on(text: str, region: str) -> ExtractedField:
    """The date the customer reported the claim, from a label or a letter's heading."""
    candidates: list[_Candidate] = []
    for label in _REPORT_LABEL.finditer(text):
        line_start = text.rfind("\n", 0, label.start()) + 1
        at = label.start() - line_start
        if any(start <= at < end for _, start, end in find_distractors(text[line_start : label.end()])):
            continue  # "Police report date": another document's date, not the claim's
        found = _date_after(text, label.end(), region)
        if found:
            match, value, ambiguous = found
            score = round(LABELLED_REPORT_DATE - (AMBIGUOUS_DATE_PENALTY if ambiguous else 0.0), 2)
            candidates.append(
                _Candidate(value.isoformat(), score, _snippet(text, label.start(), match.end()))
            )
    if not candidates:
        for head in _LETTER_HEAD.finditer(text):
            found = _date_after(text, head.end(), region)
            if found and text[found[0].end() : found[0].end() + 1] in ("", "\n"):
                match, value, ambiguous = found
                score = round(LETTER_HEAD_DATE - (AMBIGUOUS_DATE_PENALTY if ambiguous else 0.0), 2)
                candidates.append(
                    _Candidate(value.isoformat(), score, _snippet(text, head.start(), match.end()))
                )
                break
    return _decide(candidates)
