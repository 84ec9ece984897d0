"""Synthetic policy book and claim PDFs with ground truth.

The walking skeleton needs documents that look like what customers send: three
layouts, varied labels, region-specific date formats and distractor dates
(report date, date of birth, policy start) that a naive extractor would take for
the incident date. Everything is drawn from one seeded `random.Random`, and
reportlab runs with `invariant=1`, so a seed always gives the same bytes.

Customers also send scans and phone photos. A share of the claims can be turned
into image-only PDFs (rasterised, skewed, blurred, noisy) or PNG/JPEG photos
(perspective, uneven light, background), with the same ground truth. Those
degradations draw from a second generator, so asking for scans never changes
which claims, policies and layouts a seed produces.

Policy numbers are printed canonically (`POL-EU-2024-001234`) on most claims and in the
short forms other systems use (`88 4417 22`, `Pol.-Nr. 884417/22`: serial and issue year)
on a share of them (`short_policy_share`). That choice draws from a third generator, for
the same reason. It is 0 by default for now: the PII redactor does not yet protect short
forms, and takes some slashed ones (`295022/23`) for phone numbers.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PRODUCT_PERILS: dict[str, tuple[str, ...]] = {
    "home": ("water", "fire", "storm", "theft", "glass", "other"),
    "motor": ("collision", "glass", "theft", "fire", "storm"),
}
EXCLUSIONS = "EXCL"
OUT_OF_PERIOD_SHARE = 0.05
KINDS = ("digital", "scanned", "photo")
# Office scanners default to 150-300 dpi; 150 is what the OCR reader renders at anyway.
SCAN_DPI = 150

POLICY_LABELS = ("Policy number", "Policy No.", "Policy #", "Policy no", "Policy Number")
# Share of claims printing their policy number in a short form, once the redactor protects them.
SHORT_POLICY_SHARE = 0.25
SHORT_POLICY_LABEL = "Pol.-Nr."
INCIDENT_LABELS = ("Date of incident", "Date of loss", "Incident date", "Loss occurred on")
DESCRIPTION_LABELS = (
    "Description of damage",
    "Damage description",
    "Description of loss",
    "What happened",
    "Details of the incident",
)
REPORT_LABELS = ("Date of report", "Report date", "Submitted on", "Date submitted")
BIRTH_LABELS = ("Date of birth", "DOB", "Birth date")
START_LABELS = ("Policy start date", "Cover start", "Policy effective from", "Inception date")
HOLDER_LABELS = ("Policyholder", "Name of insured", "Insured name")
LETTER_INCIDENT_CUES = ("The incident occurred on", "The loss occurred on", "The damage occurred on")
LETTER_DESCRIPTION_CUES = (
    "The circumstances were as follows.",
    "Briefly, this is what happened:",
    "Here is what happened.",
    "The details of the loss are as follows:",
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "dmy_dot": lambda d: d.strftime("%d.%m.%Y"),
    "d_month_y": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "mdy_slash": lambda d: d.strftime("%m/%d/%Y"),
    "month_d_y": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    "iso": lambda d: d.isoformat(),
    "dmy_slash": lambda d: d.strftime("%d/%m/%Y"),
}


@dataclass(frozen=True)
class RegionProfile:
    """What makes a region's documents look local: money, dates, names, addresses."""

    currency: str
    currency_name: str
    insurer: str
    date_formats: tuple[str, str]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    phone_pattern: str
    email_domain: str
    storm_word: str
    law: str
    greeting: str
    closing: str


REGIONS: dict[str, RegionProfile] = {
    "EU": RegionProfile(
        currency="EUR",
        currency_name="euro",
        insurer="ClaimFlow Assurance Europe SE",
        date_formats=("dmy_dot", "d_month_y"),
        first_names=("Anna", "Lukas", "Sofia", "Marco", "Claire", "Jan", "Elena", "Pieter", "Ines", "Tomas"),
        last_names=("Muller", "Rossi", "Dubois", "Jansen", "Novak", "Garcia", "Schmidt", "Lindqvist"),
        streets=("Lindenstrasse", "Via Roma", "Rue des Lilas", "Keizersgracht", "Calle Mayor"),
        cities=("10115 Berlin", "00184 Roma", "75011 Paris", "1017 Amsterdam", "28013 Madrid"),
        phone_pattern="+49 30 #######",
        email_domain="example.eu",
        storm_word="windstorm",
        law="the law of the Member State where the risk is situated",
        greeting="Dear Sir or Madam,",
        closing="Yours faithfully,",
    ),
    "US": RegionProfile(
        currency="USD",
        currency_name="US dollars",
        insurer="ClaimFlow Insurance Company of America",
        date_formats=("mdy_slash", "month_d_y"),
        first_names=("James", "Emily", "Michael", "Olivia", "David", "Grace", "Robert", "Hannah", "Carlos"),
        last_names=("Johnson", "Miller", "Davis", "Martinez", "Taylor", "Anderson", "Clark", "Walker"),
        streets=("Maple Avenue", "Oak Street", "Sunset Boulevard", "Elm Drive", "Lakeview Road"),
        cities=("Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205", "Columbus, OH 43215"),
        phone_pattern="(555) ###-####",
        email_domain="example.com",
        storm_word="hurricane, tornado or hail",
        law="the insurance laws of the state where the property is located",
        greeting="Dear Claims Team,",
        closing="Sincerely,",
    ),
    "APAC": RegionProfile(
        currency="SGD",
        currency_name="Singapore dollars",
        insurer="ClaimFlow Asia Pacific Insurance Ltd",
        date_formats=("iso", "dmy_slash"),
        first_names=("Wei", "Priya", "Hiroshi", "Mei", "Arjun", "Siti", "Kenji", "Aroha", "Minh"),
        last_names=("Tan", "Lim", "Sharma", "Nakamura", "Wong", "Rahman", "Nguyen", "Ngata"),
        streets=("Orchard Road", "Jalan Besar", "George Street", "Queen Street", "Nathan Road"),
        cities=("Singapore 238801", "Sydney NSW 2000", "Auckland 1010", "Kowloon, Hong Kong"),
        phone_pattern="+65 #### ####",
        email_domain="example.sg",
        storm_word="typhoon, tropical cyclone or monsoon rain",
        law="the Insurance Act of the territory where the risk is situated",
        greeting="Dear Claims Officer,",
        closing="Yours sincerely,",
    ),
}

# (product, peril) -> (title, two peril-specific sentences). {storm} is the region's word for storms.
CLAUSE_WORDING: dict[tuple[str, str], tuple[str, str]] = {
    ("home", "water"): (
        "Escape of water",
        "We cover sudden and accidental escape of water from any fixed plumbing, heating installation, "
        "washing machine, dishwasher or water tank, including the cost of tracing and accessing the leak. "
        "Damage caused by gradual seepage, failed grout or sealant, or water left running while the home "
        "is unoccupied for more than 60 days is not covered.",
    ),
    ("home", "fire"): (
        "Fire, smoke and explosion",
        "We cover loss or damage caused by fire, lightning, explosion and smoke from a sudden, identifiable "
        "event, including scorching and soot contamination. Damage from a fire deliberately started by you, "
        "or from cigarette burns and gradual heat exposure without flames, is not covered.",
    ),
    ("home", "storm"): (
        "Storm and {storm}",
        "We cover damage caused by {storm}, including wind speeds of at least 90 km/h, hail, and rain or "
        "snow driven through openings that the storm itself created. Fences, gates and hedges, and damage "
        "from rising groundwater or poor roof maintenance, are not covered under this section.",
    ),
    ("home", "theft"): (
        "Theft and burglary",
        "We cover theft or attempted theft from the home following forcible and violent entry or exit, "
        "including damage to locks, doors and windows caused by the burglar. Theft by a lodger or guest, "
        "or from an unlocked outbuilding, is covered only up to the outbuildings sub-limit.",
    ),
    ("home", "glass"): (
        "Accidental breakage of glass",
        "We cover accidental breakage of fixed glazing in windows, patio doors, skylights and shower "
        "screens, and of ceramic hobs, including the cost of emergency boarding up. Scratching, chipping "
        "and breakage while the glazing is being installed or altered are not covered.",
    ),
    ("home", "other"): (
        "Accidental damage",
        "We cover sudden, unexpected and visible damage to the buildings and contents that is not "
        "otherwise excluded, such as a spilled tin of paint on a carpet or a foot through a ceiling. "
        "Damage caused by pets, by cleaning or repair work, or by wear and tear is not covered.",
    ),
    ("motor", "collision"): (
        "Collision damage",
        "We cover damage to the insured vehicle caused by impact with another vehicle, an object or an "
        "animal, whether or not you were at fault, including towing to the nearest approved repairer. "
        "Damage to tyres from braking, punctures or kerb strikes alone is not covered.",
    ),
    ("motor", "glass"): (
        "Windscreen and window glass",
        "We cover repair or replacement of a broken or chipped windscreen, sunroof or window glass of the "
        "insured vehicle, and recalibration of driver-assistance cameras mounted on the windscreen. A "
        "repair rather than a replacement does not affect your no-claims discount.",
    ),
    ("motor", "theft"): (
        "Theft of the vehicle",
        "We cover theft or attempted theft of the insured vehicle and its factory-fitted accessories, and "
        "damage caused to the vehicle during the theft or attempted theft. Cover does not apply when the "
        "keys were left in or on the unattended vehicle or the vehicle was left unlocked.",
    ),
    ("motor", "fire"): (
        "Fire to the vehicle",
        "We cover damage to the insured vehicle caused by fire, self-ignition, lightning or explosion, "
        "including a fire started by vandals. Fire damage resulting from an electrical or mechanical "
        "failure of the engine that is not followed by open flames is not covered.",
    ),
    ("motor", "storm"): (
        "Storm, hail and flood to the vehicle",
        "We cover damage to the insured vehicle caused by {storm}, hail, flood water or a falling tree "
        "while the vehicle is parked or being driven. Driving into standing flood water in disregard of "
        "road closures or warnings is not covered.",
    ),
    ("home", EXCLUSIONS): (
        "General exclusions",
        "We do not cover wear and tear, gradual deterioration, rot, rust, damp, vermin or any loss caused "
        "deliberately by you or a member of your household. Losses arising from war, terrorism, nuclear "
        "contamination, pollution or confiscation by a public authority are excluded.",
    ),
    ("motor", EXCLUSIONS): (
        "General exclusions",
        "We do not cover mechanical or electrical breakdown, depreciation, or loss while the vehicle is "
        "driven by an unlicensed driver, under the influence of alcohol or drugs, or used for racing. "
        "Losses arising from war, terrorism, riot or confiscation are excluded.",
    ),
}

# Descriptions: one event sentence plus up to two sentences about the aftermath.
EVENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("home", "water"): (
        "A pipe burst under the kitchen sink while we were at work and water spread across the floor.",
        "The washing machine hose split during a spin cycle and flooded the utility room.",
        "Water leaked from the upstairs bathroom through the ceiling of the living room.",
        "The hot water cylinder in the loft failed and soaked the bedroom ceiling below.",
        "A frozen pipe in the garage cracked overnight and water ran into the hallway.",
        "The dishwasher outlet came loose and water seeped under the laminate flooring.",
    ),
    ("home", "fire"): (
        "A pan of oil caught fire on the hob and the flames spread to the kitchen cabinets.",
        "An electrical fault in an extension lead started a fire in the home office.",
        "A candle left burning on the windowsill set the curtains alight in the lounge.",
        "A chimney fire spread sparks into the roof space above the sitting room.",
    ),
    ("home", "storm"): (
        "High winds during the storm blew several roof tiles off and rain came into the attic.",
        "A large branch fell onto the conservatory roof in the gale and broke two panels.",
        "Storm winds tore the garden fence down and damaged the shed roof.",
        "Heavy hail and driving rain during the thunderstorm damaged the flat roof and gutters.",
    ),
    ("home", "theft"): (
        "Burglars forced the back door while we were away and stole a laptop, jewellery and a television.",
        "Someone broke into the garden shed overnight and took two bicycles and power tools.",
        "Thieves climbed through an open ground-floor window and took cash and a camera.",
    ),
    ("home", "glass"): (
        "A football struck the patio door and shattered the double glazed panel.",
        "The large lounge window cracked from corner to corner after a sudden knock.",
        "The glass shower screen shattered without warning while nobody was in the bathroom.",
    ),
    ("home", "other"): (
        "A ladder slipped while we were decorating and punched a hole through the plasterboard wall.",
        "A tin of paint was spilled across the new living room carpet while moving furniture.",
        "The television was knocked off its stand by accident and the screen broke.",
    ),
    ("motor", "collision"): (
        "I was rear-ended at a junction while waiting for the lights to change.",
        "Another vehicle pulled out of a side road and hit the front passenger door.",
        "While reversing out of a parking space I collided with a concrete bollard.",
        "A van changed lanes without signalling and struck the rear wing of my car.",
    ),
    ("motor", "glass"): (
        "A stone thrown up by a lorry on the motorway cracked the windscreen.",
        "The rear window of the car was smashed while it was parked on the street.",
        "A chip in the windscreen spread into a long crack across the driver's line of sight.",
    ),
    ("motor", "theft"): (
        "The car was stolen from outside my house overnight and has not been recovered.",
        "Thieves broke the driver's door lock and took the sat nav and a laptop bag from the car.",
        "My vehicle was taken from a supermarket car park while I was shopping.",
    ),
    ("motor", "fire"): (
        "Smoke started coming from the engine bay on the drive home and the engine caught fire.",
        "The car was set alight by vandals while parked on the street overnight.",
    ),
    ("motor", "storm"): (
        "A tree came down in the storm and landed on the bonnet and roof of the parked car.",
        "Hailstones the size of marbles dented the roof and bonnet of the car.",
        "Flood water rose above the sills during the storm and entered the engine.",
    ),
}

AFTERMATH: dict[tuple[str, str], tuple[str, ...]] = {
    ("home", "water"): (
        "The flooring and skirting boards are now warped.",
        "A plumber has isolated the supply and made a temporary repair.",
        "Two rugs and a sofa were soaked and may have to be replaced.",
    ),
    ("home", "fire"): (
        "The fire brigade attended and put out the flames.",
        "Smoke has stained the walls and ceiling of the adjoining rooms.",
        "The room is currently unusable because of soot and the smell of smoke.",
    ),
    ("home", "storm"): (
        "Rainwater has stained the ceiling below.",
        "A roofer has fitted a temporary tarpaulin.",
        "The gutters were also pulled away from the wall.",
    ),
    ("home", "theft"): (
        "The police attended and gave us a crime reference number.",
        "The lock on the door was badly damaged in the break-in.",
        "None of the stolen items has been recovered so far.",
    ),
    ("home", "glass"): (
        "The opening has been boarded up until a glazier can replace the unit.",
        "Fragments of glass were scattered across the floor.",
    ),
    ("home", "other"): (
        "The damaged area will have to be repaired by a professional.",
        "A local contractor has been asked to quote for the repair.",
    ),
    ("motor", "collision"): (
        "Nobody was injured but the bumper and tailgate are badly dented.",
        "The other driver admitted fault at the scene.",
        "The car had to be towed to a garage.",
    ),
    ("motor", "glass"): (
        "The car is not safe to drive until the glass is replaced.",
        "Broken glass covered the back seat.",
    ),
    ("motor", "theft"): (
        "The police have opened an investigation.",
        "The ignition barrel was also damaged.",
    ),
    ("motor", "fire"): (
        "The fire brigade put out the fire but the front of the car is burnt out.",
        "The vehicle is a total loss in the opinion of the garage.",
    ),
    ("motor", "storm"): (
        "The windscreen was also cracked by the impact.",
        "The engine will not start since the storm.",
    ),
}


@dataclass(frozen=True)
class SampleCorpus:
    """Where `generate` wrote the policy book, the claim PDFs and the ground truth."""

    policies_file: Path
    claims_dir: Path
    ground_truth_file: Path
    claim_files: list[Path]


@dataclass(frozen=True)
class _Person:
    name: str
    birth_date: date
    street: str
    city: str
    phone: str
    email: str


@dataclass(frozen=True)
class _Policy:
    number: str
    region: str
    product: str
    holder: _Person
    start: date
    end: date
    limit: int

    def clause_id(self, peril: str) -> str:
        return f"{self.region}-{self.product.upper()}-{peril.upper()}"


@dataclass(frozen=True)
class _Claim:
    """Everything printed on one claim document, plus what the ground truth records."""

    file: str
    kind: str
    policy: _Policy
    incident: date
    reported: date
    damage_type: str
    description: str
    estimate: int
    date_format: str
    policy_format: str = "canonical"

    def fmt(self, value: date) -> str:
        return DATE_FORMATS[self.date_format](value)

    @property
    def printed_policy(self) -> str:
        """The policy number as this document prints it (the ground truth keeps the canonical one)."""
        serial, year = self.policy.number[-6:], self.policy.number.split("-")[2][-2:]
        if self.policy_format == "spaced":
            return f"{serial[:2]} {serial[2:]} {year}"
        if self.policy_format == "slashed":
            return f"{serial}/{year}"
        return self.policy.number

    def policy_label(self, drawn: str) -> str:
        """The label drawn for the canonical form, or the German-style label of the slashed form."""
        return SHORT_POLICY_LABEL if self.policy_format == "slashed" else drawn

    @property
    def policy_active(self) -> bool:
        return self.policy.start <= self.incident <= self.policy.end


def generate(
    out_dir: Path,
    *,
    claims: int,
    seed: int = 7,
    regions: Sequence[str] = ("EU", "US", "APAC"),
    policies_per_region: int = 20,
    scanned_share: float = 0.0,
    photo_share: float = 0.0,
    short_policy_share: float = 0.0,
) -> SampleCorpus:
    """Write a policy book, `claims` claim PDFs and their ground truth under `out_dir`.

    Policies are drawn before claims from the same generator, so the policy book
    for a seed does not change with the number of claims.

    Args:
        out_dir: Created if missing; `policies.jsonl`, `ground_truth.jsonl` and `claims/` go here.
        claims: Number of claim PDFs.
        seed: Same seed, same files.
        regions: Regions to draw policies and claims from (keys of `REGIONS`).
        policies_per_region: Size of each region's policy book.
        scanned_share: Share of claims delivered as scanned, image-only PDFs.
        photo_share: Share of claims delivered as PNG or JPEG photos of the printed form.
        short_policy_share: Share of claims printing the policy number as `88 4417 22` or
            `Pol.-Nr. 884417/22` (e.g. `SHORT_POLICY_SHARE`); the ground truth stays canonical.
    """
    unknown = sorted(set(regions) - set(REGIONS))
    if unknown:
        raise ValueError(f"unknown regions {unknown}; known: {sorted(REGIONS)}")
    if not 0.0 <= short_policy_share <= 1.0:
        raise ValueError(f"short_policy_share must be within 0..1, not {short_policy_share}")
    if min(scanned_share, photo_share) < 0.0 or scanned_share + photo_share > 1.0:
        raise ValueError(
            f"shares must be >= 0 and add up to <= 1 (scanned {scanned_share}, photo {photo_share})"
        )
    rng = random.Random(seed)
    degrade = random.Random(f"degrade-{seed}")
    formats = random.Random(f"formats-{seed}")
    out_dir.mkdir(parents=True, exist_ok=True)
    claims_dir = out_dir / "claims"
    claims_dir.mkdir(exist_ok=True)
    book = _make_policy_book(rng, regions, policies_per_region)
    policies_file = out_dir / "policies.jsonl"
    _write_jsonl(policies_file, [_policy_record(p) for region in regions for p in book[region]])
    drawn = []
    for index in range(claims):
        claim = _make_claim(rng, index, book[regions[index % len(regions)]])
        claim = dataclasses.replace(claim, policy_format=_draw_policy_format(formats, short_policy_share))
        drawn.append(_deliver_as(degrade, claim, _draw_kind(degrade, scanned_share, photo_share)))
    claim_files = []
    for claim in drawn:
        path = claims_dir / claim.file
        pdf = _render(rng, claim)
        if claim.kind == "scanned":
            path.write_bytes(_scan(degrade, pdf))
        elif claim.kind == "photo":
            path.write_bytes(_photograph(degrade, pdf, path.suffix))
        else:
            path.write_bytes(pdf)
        claim_files.append(path)
    ground_truth_file = out_dir / "ground_truth.jsonl"
    _write_jsonl(ground_truth_file, [_truth_record(c) for c in drawn])
    return SampleCorpus(policies_file, claims_dir, ground_truth_file, claim_files)


def corrupt_pdf_bytes() -> bytes:
    """A PDF header followed by a truncated, garbled body: neither pdfium nor pypdf can parse it."""
    buffer = io.BytesIO()
    _build_pdf(buffer, [Paragraph("This document will be truncated.", _styles()["Normal"])])
    data = buffer.getvalue()
    return data[: len(data) // 3] + b"\x00garbled\xff" * 8


# --- policies -----------------------------------------------------------------------------------


def _make_person(rng: random.Random, region: str) -> _Person:
    profile = REGIONS[region]
    first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    phone = "".join(str(rng.randrange(10)) if char == "#" else char for char in profile.phone_pattern)
    return _Person(
        name=f"{first} {last}",
        birth_date=birth,
        street=f"{rng.choice(profile.streets)} {rng.randrange(1, 180)}",
        city=rng.choice(profile.cities),
        phone=phone,
        email=f"{first}.{last}{rng.randrange(10, 99)}@{profile.email_domain}".lower(),
    )


def _make_policy_book(
    rng: random.Random, regions: Sequence[str], per_region: int
) -> dict[str, list[_Policy]]:
    """Policies per region, with policy numbers unique across the book."""
    used: set[str] = set()
    book: dict[str, list[_Policy]] = {}
    for region in regions:
        book[region] = []
        while len(book[region]) < per_region:
            policy = _make_policy(rng, region)
            if policy.number not in used:
                used.add(policy.number)
                book[region].append(policy)
    return book


def _make_policy(rng: random.Random, region: str) -> _Policy:
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(730))
    return _Policy(
        number=f"POL-{region}-{start.year}-{rng.randrange(1, 1_000_000):06d}",
        region=region,
        product=rng.choice(sorted(PRODUCT_PERILS)),
        holder=_make_person(rng, region),
        start=start,
        end=start + timedelta(days=364),
        limit=rng.choice((25_000, 50_000, 100_000, 250_000, 500_000)),
    )


def _clauses(region: str, product: str) -> list[dict[str, str]]:
    """The clause set shared by every policy of one product in one region."""
    profile = REGIONS[region]
    subject = "home" if product == "home" else "vehicle"
    clauses = []
    for peril in (*PRODUCT_PERILS[product], EXCLUSIONS):
        title, body = CLAUSE_WORDING[(product, peril)]
        title = title.format(storm=profile.storm_word)
        body = body.format(storm=profile.storm_word)
        if peril != EXCLUSIONS:
            body += (
                f" Claims for {title.lower()} to the insured {subject} are settled in "
                f"{profile.currency_name} after the excess shown in the schedule, "
                f"in accordance with {profile.law}."
            )
        clauses.append(
            {"clause_id": f"{region}-{product.upper()}-{peril.upper()}", "title": title, "text": body}
        )
    return clauses


def _policy_record(policy: _Policy) -> dict[str, Any]:
    return {
        "policy_number": policy.number,
        "region": policy.region,
        "holder_name": policy.holder.name,
        "start_date": policy.start.isoformat(),
        "end_date": policy.end.isoformat(),
        "product": policy.product,
        "coverages": list(PRODUCT_PERILS[policy.product]),
        "limit": policy.limit,
        "currency": REGIONS[policy.region].currency,
        "clauses": _clauses(policy.region, policy.product),
    }


# --- claims -------------------------------------------------------------------------------------


def _make_claim(rng: random.Random, index: int, policies: list[_Policy]) -> _Claim:
    policy = rng.choice(policies)
    peril = rng.choice(PRODUCT_PERILS[policy.product])
    incident = _incident_date(rng, policy)
    return _Claim(
        file=f"claim-{index + 1:04d}.pdf",
        kind="digital",
        policy=policy,
        incident=incident,
        reported=incident + timedelta(days=rng.randrange(1, 21)),
        damage_type=peril,
        description=_description(rng, policy.product, peril),
        estimate=rng.randrange(300, 20_000),
        date_format=rng.choice(REGIONS[policy.region].date_formats),
    )


def _incident_date(rng: random.Random, policy: _Policy) -> date:
    """Mostly inside the policy period; a few deliberately before or after it."""
    if rng.random() < OUT_OF_PERIOD_SHARE:
        if rng.random() < 0.5:
            return policy.start - timedelta(days=rng.randrange(5, 60))
        return policy.end + timedelta(days=rng.randrange(5, 90))
    return policy.start + timedelta(days=rng.randrange((policy.end - policy.start).days + 1))


def _description(rng: random.Random, product: str, peril: str) -> str:
    aftermath = AFTERMATH[(product, peril)]
    extra = rng.sample(aftermath, rng.randrange(min(2, len(aftermath)) + 1))
    return " ".join([rng.choice(EVENTS[(product, peril)]), *extra])


def _draw_policy_format(rng: random.Random, share: float) -> str:
    """Two draws per claim whatever the share, so a share never changes other claims' formats."""
    short, form = rng.random() < share, rng.choice(("spaced", "slashed"))
    return form if short else "canonical"


def _draw_kind(rng: random.Random, scanned_share: float, photo_share: float) -> str:
    draw = rng.random()
    if draw < scanned_share:
        return "scanned"
    return "photo" if draw < scanned_share + photo_share else "digital"


def _deliver_as(rng: random.Random, claim: _Claim, kind: str) -> _Claim:
    """Name the file for how it reaches the insurer: photos are PNG or JPEG, everything else PDF."""
    if kind != "photo":
        return dataclasses.replace(claim, kind=kind)
    suffix = rng.choice((".png", ".jpg"))
    return dataclasses.replace(claim, kind=kind, file=claim.file.removesuffix(".pdf") + suffix)


def _truth_record(claim: _Claim) -> dict[str, Any]:
    return {
        "file": claim.file,
        "kind": claim.kind,
        "region": claim.policy.region,
        "policy_number": claim.policy.number,
        "incident_date": claim.incident.isoformat(),
        "damage_type": claim.damage_type,
        "damage_description": claim.description,
        "claimed_amount": f"{claim.estimate:.2f}",
        "currency": REGIONS[claim.policy.region].currency,
        "reported_on": claim.reported.isoformat(),
        "policy_number_printed": claim.printed_policy,
        "governing_clause_id": claim.policy.clause_id(claim.damage_type),
        "policy_active": claim.policy_active,
    }


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    lines = (json.dumps(record, ensure_ascii=False, sort_keys=False) for record in records)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


# --- rendering ----------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {"Normal": sheet["Normal"], "Title": sheet["Title"], "Heading": sheet["Heading2"]}


def _build_pdf(buffer: io.BytesIO, story: list[Flowable]) -> None:
    # invariant=1 fixes the creation date and document ID, so a seed gives identical bytes.
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title="Claim notification").build(story)


def _render(rng: random.Random, claim: _Claim) -> bytes:
    template = rng.choice((_form_story, _letter_story, _table_story))
    buffer = io.BytesIO()
    _build_pdf(buffer, template(rng, claim))
    return buffer.getvalue()


def _money(claim: _Claim) -> str:
    return f"{REGIONS[claim.policy.region].currency} {claim.estimate:,.2f}"


def _form_story(rng: random.Random, claim: _Claim) -> list[Flowable]:
    """A form of labelled fields, either `Label: value` on one line or the value under its label."""
    styles = _styles()
    holder = claim.policy.holder
    personal = [
        (rng.choice(HOLDER_LABELS), holder.name),
        (rng.choice(BIRTH_LABELS), claim.fmt(holder.birth_date)),
        ("Address", f"{holder.street}, {holder.city}"),
        (rng.choice(("Phone", "Telephone")), holder.phone),
        (rng.choice(("E-mail", "Email")), holder.email),
    ]
    rng.shuffle(personal)
    policy = [
        (claim.policy_label(rng.choice(POLICY_LABELS)), claim.printed_policy),
        (rng.choice(START_LABELS), claim.fmt(claim.policy.start)),
    ]
    rng.shuffle(policy)
    incident = [
        (rng.choice(INCIDENT_LABELS), claim.fmt(claim.incident)),
        (rng.choice(DESCRIPTION_LABELS), claim.description),
        ("Estimated cost", _money(claim)),
    ]
    report = [(rng.choice(REPORT_LABELS), claim.fmt(claim.reported))]
    fields = (
        [*personal, *policy, *incident, *report]
        if rng.random() < 0.5
        else [*report, *policy, *personal, *incident]
    )
    stacked = rng.random() < 0.4
    story: list[Flowable] = [
        Paragraph(escape(REGIONS[claim.policy.region].insurer), styles["Normal"]),
        Paragraph(rng.choice(("Claim Notification Form", "First Notice of Loss")), styles["Title"]),
    ]
    for label, value in fields:
        if stacked:
            story += [
                Paragraph(f"<b>{escape(label)}</b>", styles["Normal"]),
                Paragraph(escape(value), styles["Normal"]),
            ]
        else:
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["Normal"]))
        story.append(Spacer(1, 4))
    story += [
        Spacer(1, 12),
        Paragraph(
            "Declaration: I declare that the information given is true and complete.", styles["Normal"]
        ),
        Paragraph(f"Signature: {escape(holder.name)}", styles["Normal"]),
    ]
    return story


def _letter_story(rng: random.Random, claim: _Claim) -> list[Flowable]:
    """A prose letter: the incident date and description are only marked by the wording around them."""
    styles = _styles()
    profile = REGIONS[claim.policy.region]
    holder = claim.policy.holder
    normal = styles["Normal"]
    opening = (
        f"I am writing to notify you of a claim under my {claim.policy.product} insurance, "
        f"which has been in force since {claim.fmt(claim.policy.start)}. "
        f"{rng.choice(LETTER_INCIDENT_CUES)} {claim.fmt(claim.incident)}. "
        f"{rng.choice(LETTER_DESCRIPTION_CUES)}"
    )
    closing = (
        f"For your records, my date of birth is {claim.fmt(holder.birth_date)}. "
        f"I estimate the cost of repairs at {_money(claim)}. "
        f"Please contact me on {holder.phone} or at {holder.email} if you need anything further."
    )
    subject = f"Re: Claim under {claim.policy_label(rng.choice(POLICY_LABELS))} {claim.printed_policy}"
    paragraphs = [
        escape(holder.name),
        escape(f"{holder.street}, {holder.city}"),
        escape(f"{holder.phone} | {holder.email}"),
        "",
        escape(f"{holder.city.split(',')[0]}, {claim.fmt(claim.reported)}"),
        "",
        escape(profile.insurer),
        "Claims Department",
        "",
        f"<b>{escape(subject)}</b>",
        "",
        profile.greeting,
        escape(opening),
        escape(claim.description),
        escape(closing),
        "",
        profile.closing,
        escape(holder.name),
    ]
    story: list[Flowable] = []
    for text in paragraphs:
        story.append(Paragraph(text, normal) if text else Spacer(1, 10))
        story.append(Spacer(1, 4))
    return story


def _table_story(rng: random.Random, claim: _Claim) -> list[Flowable]:
    """A two-column table of labels (no colons) and values, as claim portals print them."""
    styles = _styles()
    holder = claim.policy.holder
    rows = [
        [claim.policy_label(rng.choice(POLICY_LABELS)), claim.printed_policy],
        [rng.choice(START_LABELS), claim.fmt(claim.policy.start)],
        [rng.choice(HOLDER_LABELS), holder.name],
        [rng.choice(BIRTH_LABELS), claim.fmt(holder.birth_date)],
        [rng.choice(INCIDENT_LABELS), claim.fmt(claim.incident)],
        [rng.choice(DESCRIPTION_LABELS), Paragraph(escape(claim.description), styles["Normal"])],
        ["Estimated cost", _money(claim)],
        ["Address", f"{holder.street}, {holder.city}"],
        [rng.choice(("Phone", "Telephone")), holder.phone],
        [rng.choice(("E-mail", "Email")), holder.email],
    ]
    table = Table([["Field", "Details"], *rows], colWidths=[150, 320])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [
        Paragraph(escape(REGIONS[claim.policy.region].insurer), styles["Normal"]),
        Paragraph("Claim Form", styles["Title"]),
        table,
        Spacer(1, 12),
        Paragraph(f"{rng.choice(REPORT_LABELS)}: {claim.fmt(claim.reported)}", styles["Normal"]),
    ]


# --- scans and photos ---------------------------------------------------------------------------


def _rasterise(pdf: bytes, dpi: int, grayscale: bool) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[i].render(scale=dpi / 72, grayscale=grayscale).to_pil() for i in range(len(document))
        ]
    finally:
        document.close()


def _noise(rng: random.Random, image: Image.Image, sigma: float) -> Image.Image:
    """Sensor and paper noise, from a numpy generator seeded by the corpus generator."""
    pixels = np.asarray(image, dtype=np.float32)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0.0, sigma, pixels.shape)
    return Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8), image.mode)


def _scan(rng: random.Random, pdf: bytes) -> bytes:
    """An image-only PDF as a flatbed scanner makes it: slightly rotated and skewed, soft, grainy."""
    pages = []
    for page in _rasterise(pdf, SCAN_DPI, grayscale=True):
        shear = rng.uniform(-0.015, 0.015)
        page = page.transform(page.size, Image.Transform.AFFINE, (1, shear, 0, 0, 1, 0), fillcolor=255)
        page = page.rotate(rng.uniform(-2.0, 2.0), resample=Image.Resampling.BICUBIC, fillcolor=255)
        page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
        paper = rng.randrange(225, 250)  # recycled paper is never white
        page = page.point(lambda value, paper=paper: value * paper // 255)
        pages.append(_noise(rng, page, rng.uniform(3.0, 10.0)))
    buffer = io.BytesIO()
    # Pillow stamps the current time into the PDF; a fixed date keeps a seed's bytes identical.
    fixed = time.strptime("2000-01-01", "%Y-%m-%d")
    pages[0].save(
        buffer,
        "PDF",
        resolution=SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        creationDate=fixed,
        modDate=fixed,
    )
    return buffer.getvalue()


def _photograph(rng: random.Random, pdf: bytes, suffix: str) -> bytes:
    """A phone photo of the printed first page: on a desk, in perspective, lit from one side."""
    page = _rasterise(pdf, SCAN_DPI, grayscale=False)[0].convert("RGB")
    width, height = page.size
    margin = int(width * 0.08)
    desk = tuple(rng.randrange(60, 160) for _ in range(3))
    canvas = Image.new("RGB", (width + 2 * margin, height + 2 * margin), desk)
    canvas.paste(page.rotate(rng.uniform(-3.0, 3.0), expand=True, fillcolor=desk), (margin // 2, margin // 2))
    # Keystone: the corners of the output are pulled in by a few percent, as when the phone is tilted.
    w, h = canvas.size
    pull = [rng.uniform(0.0, 0.03) for _ in range(8)]
    quad = (
        w * pull[0], h * pull[1],
        w * pull[2], h * (1 - pull[3]),
        w * (1 - pull[4]), h * (1 - pull[5]),
        w * (1 - pull[6]), h * pull[7],
    )  # fmt: skip
    photo = canvas.transform((w, h), Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC)
    light = np.linspace(rng.uniform(0.7, 0.85), 1.0, w, dtype=np.float32)
    if rng.random() < 0.5:
        light = light[::-1]
    pixels = np.asarray(photo, dtype=np.float32) * light[None, :, None]
    photo = Image.fromarray(pixels.astype(np.uint8), "RGB").filter(
        ImageFilter.GaussianBlur(rng.uniform(0.2, 0.7))
    )
    photo = _noise(rng, photo, rng.uniform(2.0, 6.0))
    buffer = io.BytesIO()
    if suffix == ".jpg":
        photo.save(buffer, "JPEG", quality=rng.randrange(70, 92))
    else:
        photo.save(buffer, "PNG")
    return buffer.getvalue()
