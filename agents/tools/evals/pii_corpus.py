"""A labelled, seeded corpus of claim texts for measuring redaction.

Each document is built piece by piece, so every personal value's exact span is known
by construction rather than found by a regex (which would only measure the regex
against itself). The documents follow the sample generator's layouts as the document
reader returns their text (labelled forms, stacked forms, two-column tables, prose
letters), reuse its wording and name pools, and add what real claims carry and the
samples do not yet: bank details, national ids, witnesses and third parties, phone
numbers in many national formats, and reference numbers that look like phone numbers
but must survive. Prose is wrapped the way PDF text is, so a value may span a line break.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum import iban as stdnum_iban
from stdnum.au import tfn
from stdnum.de import idnr
from stdnum.iso7064 import mod_11_10
from stdnum.nl import bsn
from stdnum.us import ssn

from agents.redaction import PiiKind, nino_is_valid, nric_is_valid
from agents.tools.samples import (
    BIRTH_LABELS,
    DATE_FORMATS,
    EVENTS,
    HOLDER_LABELS,
    INCIDENT_LABELS,
    LETTER_INCIDENT_CUES,
    POLICY_LABELS,
    REGIONS,
    REPORT_LABELS,
)

# "note" is a free-text adjuster's note with names and numbers in places no label marks:
# it was written after the rules were tuned on the other styles, as a held-out check.
STYLES = ("form", "stacked", "table", "letter", "note")
WRAP_WIDTH = 95  # about what the reader returns for A4 body text

# Kinds of values that look like PII to a naive redactor but must survive.
KEEP_KINDS = ("POLICY", "CLAIM_ID", "DATE", "AMOUNT", "REFERENCE", "DAMAGE")

# People who are not the policyholder (witnesses, other drivers, tradespeople), drawn
# from pools of their own so the measurement does not only see the samples' names.
OTHER_FIRST = {
    "EU": ("Katrin", "Henrik", "Marie-Claire", "Giulia", "Pablo", "Jonas", "Agnieszka", "Sven", "Lucia"),
    "US": ("Tyler", "Brianna", "Marcus", "Jasmine", "Kevin", "Alicia", "Derek", "Monique", "Shawn"),
    "APAC": ("Rahul", "Xin", "Yuki", "Nurul", "Hemi", "Anh", "Joon", "Farah", "Liang"),
}
OTHER_LAST = {
    "EU": ("Vogel", "van der Berg", "Fontaine", "Bianchi", "Ortega", "Kowalski", "Eriksen", "De Luca"),
    "US": ("Robinson", "Hernandez", "O'Brien", "Washington", "Nguyen", "Foster", "Brooks", "Patel"),
    "APAC": ("Krishnan", "Chen", "Watanabe", "Abdullah", "Parata", "Tran", "Park", "Goh"),
}
TRADES = ("plumber", "electrician", "builder", "mechanic", "locksmith", "glazier", "roofer")
RELATIONS = ("neighbour", "wife", "husband", "son", "daughter", "partner", "friend", "tenant")

# National phone formats per region; '#' is a random digit.
PHONE_FORMATS = {
    "EU": (
        "+49 30 #######",
        "+49 (0)30 ########",
        "030 ########",
        "+31 20 ### ####",
        "+33 1 ## ## ## ##",
        "+39 06 #### ####",
        "+34 91# ### ###",
        "+44 20 7### ####",
        "0044 20 7### ####",
        "+49 151 ########",
    ),
    "US": (
        "(555) ###-####",
        "(212) 5##-####",
        "212-5##-####",
        "+1 415 5## ####",
        "415.5##.####",
        "1-800-5##-####",
    ),
    "APAC": (
        "+65 #### ####",
        "+65 6### ####",
        "9### ####",
        "+61 2 9### ####",
        "0412 ### ###",
        "+852 2### ####",
    ),
}
ADDRESS_FORMATS = {
    "EU": ("{street} {n}, {city}",),
    "US": ("{street} {n}, {city}", "{n} {street}, {city}"),
    "APAC": ("{street} {n}, {city}", "{n} {street}, {city}"),
}
IBAN_COUNTRIES = {"DE": "n18", "NL": "a4n10", "GB": "a4n14", "IT": "a1n10n12", "AT": "n16", "BE": "n12"}
# (label, pattern) of reference numbers shaped like phone numbers.
REFERENCE_FORMATS = (
    ("Crime reference number", "#### #### ##"),
    ("Police report no.", "24/######"),
    ("Invoice no.", "####-###-####"),
    ("Repair order", "### #### ##"),
    ("Case file", "### ### ####"),
    ("Our ref", "### ### ###"),
)


@dataclass(frozen=True)
class LabelledSpan:
    """Ground truth: one value's kind and exact offsets in the document text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledDocument:
    """One document's text with the spans to redact and the spans that must survive."""

    doc_id: str
    region: str
    style: str
    text: str
    pii: tuple[LabelledSpan, ...]
    keep: tuple[LabelledSpan, ...]


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    pii: list[LabelledSpan] = field(default_factory=list)
    keep: list[LabelledSpan] = field(default_factory=list)
    size: int = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def mark(self, kind: str, value: str, *, keep: bool = False) -> None:
        target = self.keep if keep else self.pii
        target.append(LabelledSpan(str(kind), self.size, self.size + len(value)))
        self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Person:
    name: str
    street_address: str
    phone: str
    email: str


def generate_corpus(documents: int = 150, *, seed: int = 11) -> list[LabelledDocument]:
    """Build `documents` labelled claim texts; the same seed always gives the same corpus.

    Args:
        documents: How many documents; styles and regions rotate, so any count covers all.
        seed: Seeds the one `random.Random` everything is drawn from.
    """
    rng = random.Random(seed)
    regions = tuple(REGIONS)
    docs = []
    for index in range(documents):
        region = regions[index % len(regions)]
        style = STYLES[(index // len(regions)) % len(STYLES)]
        docs.append(_document(rng, f"pii-{index + 1:04d}", region, style))
    return docs


# --- values -------------------------------------------------------------------------------------


def _digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def _person(rng: random.Random, region: str, *, holder: bool) -> _Person:
    profile = REGIONS[region]
    if holder:
        first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
    else:
        first, last = rng.choice(OTHER_FIRST[region]), rng.choice(OTHER_LAST[region])
    street = rng.choice(ADDRESS_FORMATS[region]).format(
        street=rng.choice(profile.streets), n=rng.randrange(1, 180), city=rng.choice(profile.cities)
    )
    local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    domain = rng.choice((profile.email_domain, "mail.example.org", "example.net"))
    return _Person(
        name=f"{first} {last}",
        street_address=street,
        phone=_digits(rng, rng.choice(PHONE_FORMATS[region])),
        email=f"{local}{rng.randrange(10, 99)}@{domain}",
    )


def _iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_COUNTRIES))
    bban = ""
    for kind, count in re.findall(r"([an])(\d+)", IBAN_COUNTRIES[country]):
        alphabet = string.ascii_uppercase if kind == "a" else string.digits
        bban += "".join(rng.choice(alphabet) for _ in range(int(count)))
    compact = country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban
    if not stdnum_iban.is_valid(compact):  # a national check digit we did not model: draw again
        return _iban(rng)
    if rng.random() < 0.6:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def _steuer_id(rng: random.Random) -> str:
    while True:
        digits = rng.sample("0123456789", 9)
        digits.append(rng.choice(digits))
        rng.shuffle(digits)
        body = "".join(digits)
        number = body + mod_11_10.calc_check_digit(body)
        if idnr.is_valid(number):
            return rng.choice((number, f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:]}"))


def _bsn(rng: random.Random) -> str:
    while True:
        number = _digits(rng, "#########")
        if bsn.is_valid(number):
            return rng.choice((number, f"{number[:4]}.{number[4:6]}.{number[6:]}"))


def _dni(rng: random.Random) -> str:
    number = _digits(rng, "########")
    return number + rng.choice(("", "-")) + "TRWAGMYFPDXBNJZSQVHLCKE"[int(number) % 23]


def _nino(rng: random.Random) -> str:
    letters = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        value = rng.choice(letters) + rng.choice(letters) + _digits(rng, "######") + rng.choice("ABCD")
        if nino_is_valid(value):
            spaced = f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
            return rng.choice((value, spaced))


def _ssn(rng: random.Random) -> str:
    while True:
        number = _digits(rng, "###-##-####")
        if ssn.is_valid(number):
            return rng.choice((number, number, number.replace("-", " ")))


def _nric(rng: random.Random) -> str:
    while True:
        value = rng.choice("ST") + _digits(rng, "#######") + rng.choice("ABCDEFGHIJZ")
        if nric_is_valid(value):
            return value


def _tfn(rng: random.Random) -> str:
    while True:
        number = _digits(rng, "#########")
        if tfn.is_valid(number):
            return f"{number[:3]} {number[3:6]} {number[6:]}"


NATIONAL_IDS: dict[str, tuple[tuple[str, Callable[[random.Random], str]], ...]] = {
    "EU": (
        ("Steuer-ID", _steuer_id),
        ("Tax ID (Steuer-ID)", _steuer_id),
        ("BSN", _bsn),
        ("DNI", _dni),
        ("National Insurance number", _nino),
    ),
    "US": (("SSN", _ssn), ("Social Security number", _ssn)),
    "APAC": (("NRIC", _nric), ("TFN", _tfn), ("Tax file number", _tfn)),
}


def _reference(rng: random.Random) -> tuple[str, str]:
    label, pattern = rng.choice(REFERENCE_FORMATS)
    return label, _digits(rng, pattern)


def _account(rng: random.Random, region: str) -> tuple[str, str, str]:
    """(label, value, kind): an IBAN in Europe, a bare account number elsewhere."""
    if region == "EU" or rng.random() < 0.15:
        return rng.choice(("IBAN", "Bank account (IBAN)", "Payment to IBAN")), _iban(rng), PiiKind.IBAN.value
    value = _digits(rng, rng.choice(("############", "###-######-#", "#### #### ##", "########")))
    return rng.choice(("Account number", "Bank account no.", "Acct no.")), value, PiiKind.ACCOUNT.value


# --- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What one document says, drawn before it is laid out."""

    holder: _Person
    other: _Person
    other_role: str
    policy: str
    claim_id: str | None
    birth: str
    incident: str
    reported: str
    amount: str
    description: str
    id_label: str | None
    national_id: str | None
    account: tuple[str, str, str] | None
    reference: tuple[str, str] | None


def _facts(rng: random.Random, region: str) -> _Facts:
    profile = REGIONS[region]
    fmt = DATE_FORMATS[rng.choice(profile.date_formats)]
    incident = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
    product, peril = rng.choice(sorted(EVENTS))
    id_label, id_maker = rng.choice(NATIONAL_IDS[region])
    with_id = rng.random() < 0.7
    return _Facts(
        holder=_person(rng, region, holder=True),
        other=_person(rng, region, holder=False),
        other_role=rng.choice((*TRADES, *RELATIONS, "witness", "other driver")),
        policy=f"POL-{region}-{incident.year - 1}-{rng.randrange(1, 1_000_000):06d}",
        claim_id=f"CLM-{incident.year}-{rng.randrange(1, 1_000_000):06d}" if rng.random() < 0.5 else None,
        birth=fmt(date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))),
        incident=fmt(incident),
        reported=fmt(incident + timedelta(days=rng.randrange(1, 20))),
        amount=f"{profile.currency} {rng.randrange(300, 20_000):,.2f}",
        description=rng.choice(EVENTS[(product, peril)]),
        id_label=id_label if with_id else None,
        national_id=id_maker(rng) if with_id else None,
        account=_account(rng, region) if rng.random() < 0.75 else None,
        reference=_reference(rng) if rng.random() < 0.6 else None,
    )


def _document(rng: random.Random, doc_id: str, region: str, style: str) -> LabelledDocument:
    facts = _facts(rng, region)
    builder = _Builder()
    if style == "letter":
        _letter(rng, builder, region, facts)
    elif style == "note":
        _note(rng, builder, facts)
    else:
        _fields(rng, builder, region, style, facts)
    text = builder.text()
    if style in ("letter", "note"):
        text = _wrap(text, WRAP_WIDTH)
    return LabelledDocument(doc_id, region, style, text, tuple(builder.pii), tuple(builder.keep))


_Field = tuple[str, list[tuple[str | None, str]]]  # label, [(kind or None, piece)]; kind "+x" = keep


def _fields(rng: random.Random, b: _Builder, region: str, style: str, f: _Facts) -> None:
    """Forms and tables: one labelled value per field, in the sample generator's label wording."""
    rows: list[_Field] = [
        (rng.choice(POLICY_LABELS), [("+POLICY", f.policy)]),
        (rng.choice(HOLDER_LABELS), [(PiiKind.NAME, f.holder.name)]),
        (rng.choice(BIRTH_LABELS), [("+DATE", f.birth)]),
        ("Address", [(PiiKind.ADDRESS, f.holder.street_address)]),
        (rng.choice(("Phone", "Telephone", "Mobile")), [(PiiKind.PHONE, f.holder.phone)]),
        (rng.choice(("E-mail", "Email")), [(PiiKind.EMAIL, f.holder.email)]),
        (rng.choice(INCIDENT_LABELS), [("+DATE", f.incident)]),
        ("Description of damage", [("+DAMAGE", f.description)]),
        ("Estimated cost", [("+AMOUNT", f.amount)]),
        (rng.choice(REPORT_LABELS), [("+DATE", f.reported)]),
        (
            rng.choice(("Witness", "Third party", "Contact person")),
            [(PiiKind.NAME, f.other.name), (None, ", "), (PiiKind.PHONE, f.other.phone)],
        ),
    ]
    if f.claim_id:
        rows.insert(0, ("Claim reference", [("+CLAIM_ID", f.claim_id)]))
    if f.national_id and f.id_label:
        rows.append((f.id_label, [(PiiKind.NATIONAL_ID, f.national_id)]))
    if f.account:
        label, value, kind = f.account
        rows.append((label, [(kind, value)]))
    if f.reference:
        label, number = f.reference
        rows.append((label, [("+REFERENCE", number)]))
    head, tail = rows[:2], rows[2:]
    rng.shuffle(tail)
    b.add(REGIONS[region].insurer + "\n")
    b.add(rng.choice(("Claim Notification Form", "First Notice of Loss", "Claim Form")) + "\n")
    if style == "table":
        b.add("Field Details\n")
    for label, pieces in [*head, *tail]:
        b.add(label + {"form": ": ", "stacked": "\n", "table": " "}[style])
        for piece_kind, piece in pieces:
            _piece(b, piece_kind, piece)
        b.add("\n")
    if style != "table":
        b.add("Declaration: I declare that the information given is true and complete.\n")
        b.add("Signature: ")
        b.mark(PiiKind.NAME, f.holder.name)
        b.add("\n")


def _piece(b: _Builder, kind: str | None, piece: str) -> None:
    if kind is None:
        b.add(piece)
    elif kind.startswith("+"):
        b.mark(kind[1:], piece, keep=True)
    else:
        b.mark(kind, piece)


def _letter(rng: random.Random, b: _Builder, region: str, f: _Facts) -> None:
    """A prose letter: sender block, subject line, the story with third parties, sign-off."""
    profile = REGIONS[region]
    surname = f.other.name.split(" ", 1)[1]
    b.mark(PiiKind.NAME, f.holder.name)
    b.add("\n")
    b.mark(PiiKind.ADDRESS, f.holder.street_address)
    b.add("\n")
    b.mark(PiiKind.PHONE, f.holder.phone)
    b.add(" | ")
    b.mark(PiiKind.EMAIL, f.holder.email)
    b.add(f"\n{f.holder.street_address.rsplit(', ', 1)[-1]}, ")
    b.mark("DATE", f.reported, keep=True)
    b.add(f"\n{profile.insurer}\nClaims Department\nRe: Claim under {rng.choice(POLICY_LABELS)} ")
    b.mark("POLICY", f.policy, keep=True)
    if f.claim_id:
        b.add(", claim ")
        b.mark("CLAIM_ID", f.claim_id, keep=True)
    b.add(f"\n{profile.greeting}\n")
    b.add(f"I am writing to notify you of a claim. {rng.choice(LETTER_INCIDENT_CUES)} ")
    b.mark("DATE", f.incident, keep=True)
    b.add(". ")
    b.mark("DAMAGE", f.description, keep=True)
    role = f.other_role
    b.add(f" My {role} " if role in RELATIONS else f" The {role}, ")
    b.mark(PiiKind.NAME, f.other.name)
    b.add(" saw what happened and can be reached on " if role in RELATIONS else ", can be reached on ")
    b.mark(PiiKind.PHONE, f.other.phone)
    b.add(" or at ")
    b.mark(PiiKind.EMAIL, f.other.email)
    b.add(". ")
    if rng.random() < 0.5:
        b.add(f"{rng.choice(('Mr', 'Ms', 'Dr'))} ")
        b.mark(PiiKind.NAME, surname)
        b.add(" lives at ")
        b.mark(PiiKind.ADDRESS, f.other.street_address)
        b.add(". ")
    if f.reference:
        label, number = f.reference
        b.add(f"{label} ")
        b.mark("REFERENCE", number, keep=True)
        b.add(" refers.")
    b.add("\nFor your records, my date of birth is ")
    b.mark("DATE", f.birth, keep=True)
    if f.national_id and f.id_label:
        b.add(f" and my {f.id_label} is ")
        b.mark(PiiKind.NATIONAL_ID, f.national_id)
    b.add(". I estimate the cost of repairs at ")
    b.mark("AMOUNT", f.amount, keep=True)
    b.add(". ")
    if f.account:
        label, value, kind = f.account
        b.add(f"Please pay the settlement into my account, {label} ")
        b.mark(kind, value)
        b.add(". ")
    b.add("Please contact me on ")
    b.mark(PiiKind.PHONE, f.holder.phone)
    b.add(" or at ")
    b.mark(PiiKind.EMAIL, f.holder.email)
    b.add(" if you need anything further.\n")
    b.add(f"{profile.closing}\n")
    b.mark(PiiKind.NAME, f.holder.name)
    b.add("\n")


def _note(rng: random.Random, b: _Builder, f: _Facts) -> None:
    """An adjuster's free-text note: names without labels, upper-case names, bare numbers."""
    b.add("Adjuster note, claim ")
    b.mark("POLICY", f.policy, keep=True)
    b.add("\n")
    b.mark(PiiKind.NAME, f.other.name)
    b.add(f" from the {f.other_role} side phoned on ")
    b.mark("DATE", f.reported, keep=True)
    b.add(" about the loss. ")
    b.mark("DAMAGE", f.description, keep=True)
    b.add(" Damage was reported by ")
    b.mark(PiiKind.NAME, f.holder.name.upper() if rng.random() < 0.5 else f.holder.name)
    b.add(", who can be reached after 6pm at ")
    b.mark(PiiKind.PHONE, f.holder.phone)
    b.add(". Inspection booked at ")
    b.mark(PiiKind.ADDRESS, f.holder.street_address)
    b.add(" for next week; estimate ")
    b.mark("AMOUNT", f.amount, keep=True)
    b.add(". cc: ")
    b.mark(PiiKind.NAME, f.other.name)
    b.add(" (")
    b.mark(PiiKind.EMAIL, f.other.email)
    b.add(")\n")


def _wrap(text: str, width: int) -> str:
    """Break long lines at spaces, as a PDF reader returns them; offsets do not move."""
    chars = list(text)
    line_start = 0
    last_space = -1
    for i, char in enumerate(chars):
        if char == "\n":
            line_start, last_space = i + 1, -1
        elif char == " ":
            if i - line_start >= width and last_space > line_start:
                chars[last_space] = "\n"
                line_start = last_space + 1
            last_space = i
    return "".join(chars)
