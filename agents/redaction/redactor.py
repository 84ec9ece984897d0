"""Replace personal data in claim text with typed placeholders before the text leaves the system.

Everything an agent sends to an LLM, a log line, a metric label or a trace attribute
goes through `redact` first. Structured identifiers (e-mail, phone, IBAN, national id)
are found by shape and confirmed by the maintained validators of `phonenumbers` and
`python-stdnum` (IBAN mod-97, Steuer-ID, BSN, SSN, TFN checksums), so a random number
of the right length is not taken for one. Names, street addresses and bare account
numbers have no checksum: they are found from the labels and the letter layout around
them, which is where claim documents put them. Policy numbers, claim ids, dates and
amounts are protected: no placeholder may overlap them, because the pipeline needs them.

`Redaction` never holds an original value, only kinds, offsets and lengths, so it is
safe to log; placeholders are numbered per distinct value, so "the same person" stays
`<NAME_1>` throughout a document and an LLM can still reason about who did what.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.de import idnr
from stdnum.es import dni
from stdnum.us import ssn

from agents.extraction.fields import DATE_PATTERN, POLICY_PATTERN
from agents.extraction.lexicon import label_pattern


class PiiKind(StrEnum):
    """What a placeholder stands for; the value is the placeholder's prefix."""

    NAME = "NAME"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    IBAN = "IBAN"
    ACCOUNT = "ACCOUNT"
    ADDRESS = "ADDRESS"
    NATIONAL_ID = "NATIONAL_ID"


# When two findings overlap, the more trustworthy one wins (validated shapes before context rules).
_PRIORITY = {
    PiiKind.EMAIL: 0,
    PiiKind.IBAN: 1,
    PiiKind.NATIONAL_ID: 2,
    PiiKind.ACCOUNT: 3,
    PiiKind.PHONE: 4,
    PiiKind.ADDRESS: 5,
    PiiKind.NAME: 6,
}

# Countries whose national phone formats are tried for a region's documents (international
# numbers with "+" are found whatever the region).
PHONE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "EU": ("DE", "NL", "FR", "IT", "ES", "GB"),
    "US": ("US",),
    "APAC": ("SG", "AU", "HK", "NZ"),
}


@dataclass(frozen=True)
class RedactedSpan:
    """Where one value was replaced; deliberately without the value itself, so it can be logged.

    Attributes:
        kind: What was found.
        start: Offset of the original value in the input text.
        end: End offset (exclusive) of the original value in the input text.
        placeholder: What replaced it, e.g. `<PHONE_2>`.
        redacted_start: Offset of the placeholder in the redacted text, to map evidence back.
    """

    kind: PiiKind
    start: int
    end: int
    placeholder: str
    redacted_start: int

    @property
    def length(self) -> int:
        """Length of the original value (the only thing about it that is kept)."""
        return self.end - self.start

    @property
    def redacted_end(self) -> int:
        """End offset (exclusive) of the placeholder in the redacted text."""
        return self.redacted_start + len(self.placeholder)


@dataclass(frozen=True)
class Redaction:
    """The redacted text and where each placeholder stands."""

    text: str
    spans: tuple[RedactedSpan, ...]

    def counts(self) -> dict[str, int]:
        """Placeholders per kind, for metrics (numbers only, never values)."""
        out: dict[str, int] = {}
        for span in self.spans:
            out[span.kind.value] = out.get(span.kind.value, 0) + 1
        return out


@dataclass(frozen=True)
class _Finding:
    kind: PiiKind
    start: int
    end: int
    key: str  # normalised value: decides placeholder numbering, never leaves this module


def redact(text: str, region: str | None = None, *, keep: Sequence[tuple[int, int]] = ()) -> Redaction:
    """Replace personal data in `text` with numbered, typed placeholders.

    Args:
        text: Document text as the reader or OCR produced it (line breaks matter: labels
            and letter layout are read line by line).
        region: The claim's region (EU, US, APAC); picks which national phone formats are
            tried for numbers written without a country code. None tries every region's.
        keep: Spans that must stay as they are, e.g. where the policy book recognised one of
            its numbers (a policy number is not personal data, and the claim needs it).
    """
    protected = [*_protected_spans(text), *keep]
    findings = _resolve(
        finding
        for finder in _FINDERS
        for finding in finder(text, region)
        if not any(finding.start < end and start < finding.end for start, end in protected)
    )
    findings = _propagate_names(text, findings, protected)
    return _apply(text, findings)


# --- protected values ---------------------------------------------------------------------------

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PROTECTED = re.compile(
    r"\bPOL[\s_/-]*[A-Z]{2,4}[\s_/-]*\d{4}[\s_/-]*\d{6}\b"  # policy numbers
    # short policy-number forms after a label: "Policy No. 88 4417 22", "Pol.-Nr. 884417/22"
    r"|\bpol(?:icy)?\.?\s*-?\s*(?:number|no\.?|nr\.?|#)\s*[:.\-]?\s*"
    r"(?:\d{2}[ .]?\d{4}[ .]?\d{2}|\d{6} ?[/-] ?\d{2})\b"
    r"|\bCLM-[A-Z0-9-]+\b"  # claim ids
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"  # ISO dates
    r"|\b\d{1,2}([./-])\d{1,2}\1\d{4}\b"  # numeric dates
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\s*,?\s+\d{{4}}\b"  # 17 March 2024
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s+\d{{4}}\b"  # March 17, 2024
    r"|(?-i:\b(?:EUR|USD|SGD|GBP|AUD|NZD|HKD|CHF|JPY)\b|[$€£¥])\s?\d[\d,.']*\d\b",  # amounts
    re.IGNORECASE,
)


# Amounts written with the currency after them, thousands grouped by space, dot or apostrophe.
_TRAILING_CURRENCY_AMOUNT = re.compile(
    r"\b\d{1,3}(?:[ \u00a0.']\d{3})+(?:[.,]\d{1,2})?\s?(?:€|EUR|USD|SGD|GBP|CHF)(?!\w)"
)
# Every date and policy number the extractor can read stays readable (foreign month names,
# OCR confusions such as POL-EU-2O23-…): a digit run inside one is not a phone number.
_PROTECTED_ALSO = (DATE_PATTERN, POLICY_PATTERN, _TRAILING_CURRENCY_AMOUNT)


# What follows a policy-number label ("Versicherungsschein-Nr.: MX-9117-09") is a policy number,
# not personal data, whatever its format and whether or not the book knows it: the report must be
# able to show it as written when it matches no policy.
_LABELLED_NUMBER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9./\-]| (?=[A-Za-z0-9]))*[A-Za-z0-9]")
# "National Insurance number", "social insurance number": a person's id, never a policy.
_PERSONAL_ID_BEFORE = re.compile(r"(?:national|social|sozial\w*|fiscal|tax|steuer\w*)\s*$", re.IGNORECASE)


def _labelled_policy_numbers(text: str) -> list[tuple[int, int]]:
    found = []
    for label in label_pattern("policy_number").finditer(text):
        if _PERSONAL_ID_BEFORE.search(text, max(0, label.start() - 16), label.start()):
            continue
        value = _LABELLED_NUMBER.match(text, label.end())
        if value and sum(ch.isdigit() for ch in value.group()) >= 2 and len(value.group()) <= 32:
            found.append(value.span())
    return found


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [
        *(m.span() for pattern in (_PROTECTED, *_PROTECTED_ALSO) for m in pattern.finditer(text)),
        *_labelled_policy_numbers(text),
    ]


# --- e-mail -------------------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def _emails(text: str, region: str | None) -> Iterator[_Finding]:
    for m in _EMAIL.finditer(text):
        yield _Finding(PiiKind.EMAIL, m.start(), m.end(), m.group().lower())


# --- IBAN and account numbers -------------------------------------------------------------------

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_IBAN_LABEL = re.compile(r"\biban\b", re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:(?:bank\s+)?account\s*(?:number|no\b\.?|nr\b\.?|#)?|acct\.?\s*(?:no\.?)?|a/c\s*(?:no\.?)?)"
    r"\s*[:.]?\s*(?P<value>\d[\d -]{4,22}\d)\b",
    re.IGNORECASE,
)


def _ibans(text: str, region: str | None) -> Iterator[_Finding]:
    # Never across a line break: the next line's figures ("Account 1581270052" over "14,952.88 USD"
    # on a scan) are not the number's.
    for m in _IBAN.finditer(text):
        # The regex may run into a following code or word: shorten until the checksum holds.
        candidate = m.group()
        while len(candidate.replace(" ", "")) >= 15:
            if stdnum_iban.is_valid(candidate):
                yield _Finding(
                    PiiKind.IBAN, m.start(), m.start() + len(candidate), candidate.replace(" ", "")
                )
                break
            candidate = candidate[:-1].rstrip()
        else:
            # Labelled but failing the checksum: a typo in a customer's IBAN is still their IBAN.
            if _IBAN_LABEL.search(text, max(0, m.start() - 20), m.start()):
                yield _Finding(PiiKind.IBAN, m.start(), m.end(), m.group().replace(" ", ""))


def _accounts(text: str, region: str | None) -> Iterator[_Finding]:
    for m in _ACCOUNT.finditer(text):  # a value may follow its label on the next line, never run onto one
        value = m.group("value")
        yield _Finding(PiiKind.ACCOUNT, m.start("value"), m.end("value"), re.sub(r"\D", "", value))


# --- national ids -------------------------------------------------------------------------------

_ID_LABEL = re.compile(
    r"(?:\bssn\b|social\s+security|\bbsn\b|burgerservicenummer|\btfn\b|tax\s+file|\btax\s*(?:id|number)"
    r"|steuer|identifi|\bid\s*(?:number|no)|national\s+insurance|\bnino\b|\bnric\b|\bdni\b|\bnif\b)",
    re.IGNORECASE,
)
_ID_LABEL_WINDOW = 40
_DIGIT_GROUPS = re.compile(r"(?<![+\d])\b\d[\d .-]{7,14}\d\b")
_NINO = re.compile(r"\b([A-Z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])\b")
_NINO_BAD_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_DNI = re.compile(r"\b(\d{8})[ -]?([A-Z])\b")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_NRIC = re.compile(r"\b([STFG])(\d{7})([A-Z])\b")
_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_NRIC_LETTERS = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK"}
_SSN_DASHED = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")


def nino_is_valid(value: str) -> bool:
    """UK National Insurance number: format and HMRC's excluded prefixes (no checksum exists)."""
    m = _NINO.fullmatch(value.upper())
    if not m:
        return False
    prefix = m.group(1)
    return prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV" and prefix not in _NINO_BAD_PREFIX


def nric_is_valid(value: str) -> bool:
    """Singapore NRIC/FIN: the weighted mod-11 check letter (not in python-stdnum)."""
    m = _NRIC.fullmatch(value.upper())
    if not m:
        return False
    prefix, digits, letter = m.groups()
    total = sum(w * int(d) for w, d in zip(_NRIC_WEIGHTS, digits, strict=True))
    if prefix in "TG":
        total += 4
    return _NRIC_LETTERS[prefix][total % 11] == letter


def _dni_is_valid(number: str, letter: str) -> bool:
    return dni.is_valid(number + letter)


def _labelled(text: str, start: int) -> bool:
    """An id label shortly before the number, with no other number in between."""
    labels = list(_ID_LABEL.finditer(text, max(0, start - _ID_LABEL_WINDOW), start))
    return bool(labels) and not re.search(r"\d", text[labels[-1].end() : start])


def _national_ids(text: str, region: str | None) -> Iterator[_Finding]:
    flat = text.replace("\n", " ")
    for m in _NINO.finditer(flat):
        if nino_is_valid(m.group()):
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), "".join(m.groups()))
    for m in _DNI.finditer(flat):
        if _dni_is_valid(*m.groups()):
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), "".join(m.groups()))
    for m in _NRIC.finditer(flat):
        if nric_is_valid(m.group()):
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), m.group())
    for m in _SSN_DASHED.finditer(flat):
        if ssn.is_valid(m.group()) or _labelled(flat, m.start()):
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), m.group().replace("-", ""))
    for m in _DIGIT_GROUPS.finditer(flat):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) == 11 and idnr.is_valid(digits):
            # The Steuer-ID's digit-distribution rule and check digit make chance hits rare.
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), digits)
        elif 8 <= len(digits) <= 12 and _labelled(flat, m.start()):
            # Nine digits pass BSN's or TFN's checksum one time in eleven, so a bare number is never
            # trusted; under an id label it is redacted even with a typo that breaks its checksum.
            yield _Finding(PiiKind.NATIONAL_ID, m.start(), m.end(), digits)


# --- phone numbers ------------------------------------------------------------------------------

_PHONE_CUE = re.compile(
    r"(?:phone|tel\b|telephone|mobile|cell|fax|call|contact|reach|ring|whatsapp|\bon\b|\|)\W*$",
    re.IGNORECASE,
)
_REFERENCE_CUE = re.compile(
    r"(?:\bref\b|reference|invoice|order|claim|report|case|file|\bno\b|number|#|account|iban|bsn|ssn|tfn"
    r"|\bid\b|steuer|nino|nric|dni|policy|registration|serial)\W*(?:\w+\W*)?$",
    re.IGNORECASE,
)
_CUE_WINDOW = 30
_GLUE = "/-.,"  # what joins the parts of one reference or one figure
_IBAN_PREFIX = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4})+[ ]?$")


def _embedded(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is glued to more letters or digits on either side, directly
    ("A202434776T", a policy number written without its separators) or by a separator."""
    glued_before = start >= 1 and (
        text[start - 1].isalnum() or (start >= 2 and text[start - 1] in _GLUE and text[start - 2].isalnum())
    )
    glued_after = end < len(text) and (
        text[end].isalnum() or (end + 1 < len(text) and text[end] in _GLUE and text[end + 1].isalnum())
    )
    return glued_before or glued_after


def _phones(text: str, region: str | None) -> Iterator[_Finding]:
    flat = text.replace("\n", " ")
    countries = PHONE_COUNTRIES.get((region or "").upper()) or tuple(
        c for cs in PHONE_COUNTRIES.values() for c in cs
    )
    seen: set[tuple[int, int]] = set()
    for country in countries:
        for match in phonenumbers.PhoneNumberMatcher(flat, country, leniency=phonenumbers.Leniency.POSSIBLE):
            span = (match.start, match.end)
            if span in seen:
                continue
            before = flat[max(0, match.start - _CUE_WINDOW) : match.start]
            line_before = before.rsplit("  ", 1)[-1]
            if _REFERENCE_CUE.search(line_before) and not _PHONE_CUE.search(line_before):
                continue
            if _IBAN_PREFIX.search(flat, max(0, match.start - 40), match.start):
                continue  # digits inside an IBAN-shaped string whose checksum failed
            if _embedded(flat, match.start, match.end) and not _PHONE_CUE.search(before):
                continue  # part of a longer code or figure: "A/2024/67699-R", "2.905,24 2.905,24"
            if "\n" in text[match.start : match.end] and not _PHONE_CUE.search(before):
                continue  # figures of two lines, a form's stacked values: "436/33289/25" / "2050,- EUR"
            international = match.raw_string.startswith(("+", "00"))
            if not (
                international
                or match.raw_string.startswith("(")
                or _PHONE_CUE.search(before)
                or phonenumbers.is_valid_number(match.number)
            ):
                continue
            seen.add(span)
            key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            yield _Finding(PiiKind.PHONE, match.start, match.end, key)


# --- names --------------------------------------------------------------------------------------

_WORD = r"(?:[A-Z]'|Mc|Mac)?[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)*"
_PARTICLE = r"(?:van|von|de|der|den|da|di|del|la|le|bin|binti|al)"
_NAME = rf"(?-i:{_WORD}(?:[ ](?:{_PARTICLE}[ ])*{_WORD}){{1,3}})"
# In prose a name may be wrapped onto the next line.
_PROSE_NAME = rf"{_WORD}(?:\s(?:{_PARTICLE}\s)*{_WORD}){{1,2}}"
_NAME_END = r"(?=[ \t]*(?:$|[,(;|]))"
_NAME_LINE = re.compile(rf"{_NAME}")
_NAME_LABELS = (
    r"policy\s*holder|name\s+of\s+(?:the\s+)?(?:insured|policyholder|claimant|driver|witness)"
    r"|insured\s+name|insured|full\s+name|name|claimant|witness|contact\s+person|signature|signed"
    r"|driver|third\s+party|account\s+holder|beneficiary"
)
_LABELLED_NAME = re.compile(
    rf"^[ \t]*(?:{_NAME_LABELS})\b[ \t]*:?[ \t]*(?P<name>{_NAME}){_NAME_END}", re.I | re.M
)
_STACKED_NAME = re.compile(
    rf"^[ \t]*(?:{_NAME_LABELS})[ \t]*:?[ \t]*\n[ \t]*(?P<name>{_NAME}){_NAME_END}", re.I | re.M
)
_HONORIFIC = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Madame|Monsieur|Sr|Sra|Sig|Sig\.ra)\.?\s"
    rf"(?P<name>{_WORD}(?:[ ](?:{_PARTICLE}[ ])*{_WORD}){{0,2}})"
)
_RELATION_CUE = re.compile(
    r"\b(?i:my|our|the|a|his|her)\s+(?i:neighbour|neighbor|wife|husband|son|daughter|partner|friend|tenant"
    r"|landlord|colleague|brother|sister|mother|father|plumber|electrician|builder|contractor|mechanic"
    r"|witness|driver|owner|technician|roofer|glazier|assessor|locksmith)s?\s*,?\s+"
    rf"(?P<name>{_PROSE_NAME})"
    r"|\b(?i:named|called|signed\s+by|spoke\s+(?:to|with))\s+"
    rf"(?P<name2>{_PROSE_NAME})"
)
_CLOSING = re.compile(
    r"^[ \t]*(?:yours\s+(?:faithfully|sincerely|truly)|sincerely|kind\s+regards|best\s+regards|regards"
    r"|with\s+thanks|many\s+thanks)[ \t]*,?[ \t]*\n(?:[ \t]*\n)*[ \t]*(?P<name>" + _NAME + r")[ \t]*$",
    re.I | re.M,
)
# Capitalised words that start organisation names, headings and layout lines, never a person.
_NOT_A_NAME = re.compile(
    r"\b(?:insurance|assurance|company|ltd|limited|inc|gmbh|se|plc|claims?|department|form|notice|notification"
    r"|policy|date|estimated|description|details|field|report|dear|street|road|avenue|re|page|total"
    r"|ClaimFlow)\b",
    re.IGNORECASE,
)


def _name_finding(start: int, value: str) -> _Finding | None:
    value = value.strip()
    if _NOT_A_NAME.search(value):
        return None
    return _Finding(PiiKind.NAME, start, start + len(value), " ".join(value.split()).casefold())


def _names(text: str, region: str | None) -> Iterator[_Finding]:
    for pattern in (_LABELLED_NAME, _STACKED_NAME, _CLOSING, _HONORIFIC):
        for m in pattern.finditer(text):
            found = _name_finding(m.start("name"), m.group("name"))
            if found:
                yield found
    for m in _RELATION_CUE.finditer(text):
        group = "name" if m.group("name") else "name2"
        found = _name_finding(m.start(group), m.group(group))
        if found:
            yield found
    # A letter opens with the sender's name on its own first line.
    first = re.match(r"\s*", text)
    offset = first.end() if first else 0
    line = text[offset:].split("\n", 1)[0]
    if _NAME_LINE.fullmatch(line.strip()):
        found = _name_finding(offset + len(line) - len(line.lstrip()), line)
        if found:
            yield found


# --- names without a cue -------------------------------------------------------------------------
# A free-text note names people where no label or cue marks them ("Katrin Vogel from the witness
# side phoned", "reported by HENRIK ERIKSEN"). Such a run of capitalised words is taken for a name
# only when it is a known first name followed by a known surname: the lists are the person names
# Faker maintains for ~80 locales (Latin script only), less its ~1,000 common English words, so a
# heading, a place ("Paris Street" goes to the address rules first) or "Storm Damage" stays text.

_LEXICON_TOKEN = r"(?:[A-Z]'|Mc|Mac)?[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)*|[A-Z][A-Z'À-Þ]+(?:-[A-Z]+)*"
# Words of a name are separated by spaces or one line break (the reader wraps long lines).
_GAP = r"(?:[ \t]*\n[ \t]*|[ \t]+)"
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w<])(?:{_LEXICON_TOKEN})(?:{_GAP}(?:(?:{_PARTICLE}|{_PARTICLE.upper()}){_GAP})*(?:{_LEXICON_TOKEN}))+"
    rf"(?![\w>])"
)
_TOKEN_IN_RUN = re.compile(rf"{_LEXICON_TOKEN}|{_PARTICLE}|{_PARTICLE.upper()}")
_PARTICLES = frozenset(_PARTICLE.strip("(?:)").split("|"))
# First name + at most two middle names or surname parts + surname.
_MAX_NAME_TOKENS = 4
# Surnames that are also the last word of a place ("Frank Lane", "Grace Hall", "Jordan River"):
# never the end of a name found without a cue. Street types are the address rules' own words.
_PLACE_WORD_LIST = (
    "street avenue road boulevard drive lane way court place terrace crescent close parade "
    "highway hall river park bridge station lake hill field fields wood woods church castle bay "
    "beach mount valley square green gate gardens garden house tower mill farm market bank cross "
    "end heath moor ford port haven wells springs island isle point rock brook marsh dale vale "
    "grove row yard"
)
_PLACE_WORDS = frozenset(_PLACE_WORD_LIST.split())


@functools.cache
def _name_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) of every Faker person locale, casefolded, common English words removed."""
    import faker.providers.person as person_locales
    from faker.providers.lorem.en_US import Provider as EnglishWords

    latin = re.compile(r"[A-Za-zÀ-ÿ' -]+")
    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person_locales.__path__):
        provider = importlib.import_module(f"{person_locales.__name__}.{module.name}").Provider
        # Locales spell the lists differently (first_names_female, unisex_last_names, ...); some
        # define them as properties, which `vars` shows as property objects and we skip.
        for attr, names in vars(provider).items():
            words = set(attr.split("_")) if "names" in attr.split("_") else set()
            into = first if words & {"first", "middle"} else last if "last" in words else None
            if into is not None and isinstance(names, list | tuple | dict | set | frozenset):
                into.update(n.casefold() for n in names if isinstance(n, str) and latin.fullmatch(n))
    common = {word.casefold() for word in EnglishWords.word_list}
    return frozenset(first - common), frozenset(last - common - _PLACE_WORDS)


def warm() -> None:
    """Load the name lists now (about 2 s, once per process), so the first document is not the slow one."""
    _name_lexicon()


def _lexicon_names(text: str, region: str | None) -> Iterator[_Finding]:
    first_names, surnames = _name_lexicon()
    for run in _CAPITALISED_RUN.finditer(text):
        tokens = list(_TOKEN_IN_RUN.finditer(run.group()))
        i = 0
        while i < len(tokens):
            if tokens[i].group().casefold() not in first_names:
                i += 1
                continue
            end, after_particle = None, False
            for j in range(i + 1, min(len(tokens), i + _MAX_NAME_TOKENS)):
                word = tokens[j].group().casefold()
                if word in _PARTICLES:
                    after_particle = True
                    continue
                # After "de", "van der", ... the next word is a surname even if it is also a first name.
                if word in surnames or (after_particle and word in first_names):
                    end = j
                elif word not in first_names:
                    break
                after_particle = False
            if end is None:
                i += 1
                continue
            start = run.start() + tokens[i].start()
            found = _name_finding(start, text[start : run.start() + tokens[end].end()])
            if found:
                yield found
            i = end + 1


def _propagate_names(text: str, findings: list[_Finding], protected: list[tuple[int, int]]) -> list[_Finding]:
    """Redact every other occurrence of a name found once, so a name is never half-redacted."""
    names = {text[f.start : f.end] for f in findings if f.kind is PiiKind.NAME}
    extra = [
        _Finding(PiiKind.NAME, m.start(), m.end(), " ".join(name.split()).casefold())
        for name in names
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        if not any(m.start() < end and start < m.end() for start, end in protected)
    ]
    return _resolve([*findings, *extra])


# --- addresses ----------------------------------------------------------------------------------

_STREET_TYPES = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?|Way|Court|Ct\.?"
    r"|Place|Pl\.?|Terrace|Crescent|Close|Parade|Highway|Hwy\.?"
)
_STREET_WORD = r"[A-Z][A-Za-zà-ÿß'-]+"
_STREET_KEYWORDS = r"Via|Viale|Piazza|Corso|Rue|Calle|Avenida|Plaza|Paseo|Jalan|Lorong"
# A wrapped line may split a street name: newlines are allowed only inside the street itself.
_STREET = (
    # 12 Oak Street / 1600 Sunset Blvd (US, UK, AU, NZ)
    rf"\b\d{{1,5}}[A-Za-z]?[ \n](?:{_STREET_WORD}[ \n]){{1,3}}(?:{_STREET_TYPES})(?![a-z])"
    # Oak Street 12 (the sample generator's order)
    rf"|\b(?:{_STREET_WORD}[ ]){{0,2}}{_STREET_WORD}[ \n](?:{_STREET_TYPES})[ \n]\d{{1,5}}[A-Za-z]?\b"
    # Lindenstrasse 12, Keizersgracht 130, Hauptstr. 5
    r"|\b[A-Z][a-zà-ÿß]+(?:strasse|straße|str\.|weg|platz|allee|gasse|gracht|laan|straat|plein|dijk|kade)"
    r"[ \n]\d{1,4}[a-z]?\b"
    # Via Roma 12, Rue des Lilas 4, Calle Mayor 8, Jalan Besar 10
    rf"|\b(?:{_STREET_KEYWORDS})[ \n](?:[A-Za-zà-ÿ'-]+[ \n]){{1,4}}?\d{{1,4}}[a-z]?\b"
    # 10 Jalan Besar, 5 Rue des Lilas
    rf"|\b\d{{1,4}}[a-z]?[ ](?:{_STREET_KEYWORDS})"
    r"(?:[ \n][A-Z][A-Za-zà-ÿ'-]+|[ \n](?:des|de|la|del|di)){1,4}"
)
_LOCALITY = (
    r",[ \n]*(?:"
    r"\d{4,6}[ ](?:" + _STREET_WORD + r")(?:[ ]" + _STREET_WORD + r")?"  # 10115 Berlin
    r"|(?:"
    + _STREET_WORD
    + r"[ ]){0,2}"
    + _STREET_WORD
    + r"(?:,?[ ][A-Z]{2,3})?[ ]\d{4,6}"  # Austin, TX 78701
    r"|(?:" + _STREET_WORD + r"[ ]?){1,2}(?=,|$|\s*[|;.])"  # Kowloon / Hong Kong
    r")"
)
_ADDRESS = re.compile(rf"(?:{_STREET})(?:{_LOCALITY}){{0,2}}", re.M)
_ADDRESS_LABEL = re.compile(
    r"^[ \t]*(?:(?:home|postal|correspondence|risk|property|insured|mailing)\s+)?address"
    r"(?:\s+of\s+(?:the\s+)?(?:insured|property|risk))?[ \t]*:?[ \t]*(?P<value>\S[^\n]*)?$",
    re.I | re.M,
)


def _addresses(text: str, region: str | None) -> Iterator[_Finding]:
    for m in _ADDRESS.finditer(text):
        yield _Finding(PiiKind.ADDRESS, m.start(), m.end(), " ".join(m.group().split()).casefold())
    for m in _ADDRESS_LABEL.finditer(text):
        start, end = m.span("value")
        if start < 0:  # stacked form: the address is the next line
            nxt = re.match(r"\n[ \t]*(?P<value>[^\n]*\d[^\n]*)", text[m.end() :])
            if not nxt:
                continue
            start, end = m.end() + nxt.start("value"), m.end() + nxt.end("value")
        value = text[start:end].rstrip()
        if re.search(r"\d", value):
            yield _Finding(PiiKind.ADDRESS, start, start + len(value), " ".join(value.split()).casefold())


_FINDERS: tuple[Callable[[str, str | None], Iterable[_Finding]], ...] = (
    _emails,
    _ibans,
    _national_ids,
    _accounts,
    _phones,
    _addresses,
    _names,
    _lexicon_names,
)


# --- assembling ---------------------------------------------------------------------------------


def _resolve(findings: Iterable[_Finding]) -> list[_Finding]:
    """Keep non-overlapping findings, preferring the more trusted kind, then the longer span."""
    ranked = sorted(set(findings), key=lambda f: (_PRIORITY[f.kind], -(f.end - f.start), f.start))
    kept: list[_Finding] = []
    for finding in ranked:
        if all(finding.end <= k.start or k.end <= finding.start for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def _apply(text: str, findings: list[_Finding]) -> Redaction:
    numbers: dict[tuple[PiiKind, str], int] = {}
    per_kind: dict[PiiKind, int] = {}
    parts: list[str] = []
    spans: list[RedactedSpan] = []
    cursor = 0
    length = 0
    for finding in findings:
        ident = (finding.kind, finding.key)
        if ident not in numbers:
            per_kind[finding.kind] = per_kind.get(finding.kind, 0) + 1
            numbers[ident] = per_kind[finding.kind]
        placeholder = f"<{finding.kind.value}_{numbers[ident]}>"
        gap = text[cursor : finding.start]
        parts += [gap, placeholder]
        length += len(gap)
        spans.append(RedactedSpan(finding.kind, finding.start, finding.end, placeholder, length))
        length += len(placeholder)
        cursor = finding.end
    parts.append(text[cursor:])
    return Redaction("".join(parts), tuple(spans))
