"""What sample documents say: labels, wording, regions, date formats, clause texts and events.

Pure data, shared by the claim renderer, the hard cases and the labelled PII corpus
(`agents.tools.evals.pii_corpus`), so every generator speaks with the same voice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

PRODUCT_PERILS: dict[str, tuple[str, ...]] = {
    "home": ("water", "fire", "storm", "theft", "glass", "other"),
    "motor": ("collision", "glass", "theft", "fire", "storm"),
}
EXCLUSIONS = "EXCL"
OUT_OF_PERIOD_SHARE = 0.05
KINDS = ("digital", "scanned", "photo")

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

MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip

# Dates as customers abroad print them in otherwise English documents (hard cases only).
LOCALE_DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "de_month": lambda d: f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}",
    "fr_month": lambda d: f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}",
    "es_month": lambda d: f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}",
    "mon_d_y": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "d_mon_y": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
}
ALL_DATE_FORMATS: dict[str, Callable[[date], str]] = {**DATE_FORMATS, **LOCALE_DATE_FORMATS}
LOCALE_DATE_CHOICES = {
    "EU": ("de_month", "fr_month", "es_month", "iso"),
    "US": ("mon_d_y", "iso"),
    "APAC": ("d_mon_y", "mon_d_y"),
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


# Hard cases: one sentence naming a cause and its consequence; the cause is the damage type.
CAUSE_AND_CONSEQUENCE: dict[tuple[str, str], tuple[str, ...]] = {
    ("home", "storm"): (
        "The storm tore a hole in the roof and rain water poured into the bedroom below.",
        "Hail broke the skylight during the thunderstorm and water soaked the landing carpet.",
    ),
    ("home", "theft"): ("Burglars smashed the glass of the back door to get in and stole our jewellery.",),
    ("home", "fire"): ("A fire in the kitchen cracked the window glass and smoke spread through the house.",),
    ("motor", "collision"): (
        "Another car collided with mine at a roundabout and the windscreen glass shattered.",
    ),
    ("motor", "storm"): ("Flood water rose above the sills during the storm and entered the engine.",),
}
# Hard cases: claims for a peril the policy's product does not cover (they must fail a rule).
UNCOVERED_EVENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("home", "collision"): (
        "A delivery van reversed and struck our garden wall and the front porch.",
        "A car hit the corner of the house while turning in the narrow street.",
    ),
    ("motor", "water"): (
        "A pipe burst in the garage ceiling and water leaked into the car through the sunroof seals.",
    ),
    ("motor", "other"): ("A tin of paint was spilled across the back seat while moving furniture.",),
}
# Hard cases: a paragraph after the account of the loss that is not part of it.
LETTER_ASIDES = (
    "My neighbour saw what happened and is happy to confirm it if you wish.",
    "We have lived at this address for twelve years and never made a claim before.",
    "I have kept the damaged items in the garage so that your assessor can see them.",
    "My husband and I were both at home at the time.",
)
# Hard cases: other dates a form may print next to the incident date.
EXTRA_DATE_LABELS = (
    "Policy end date",
    "Date of purchase",
    "Vehicle first registered",
    "Last inspection",
    "Previous claim",
)
PHOTO_NOTE = "Photos of the damage are attached."
REPAIRERS = (
    "Meyer & Sons Repairs",
    "QuickFix Building Services",
    "Precision Auto Body",
    "Harbour Glass & Glazing",
    "Allround Restoration Ltd",
)
POLICE_FORCES = {
    "EU": "Polizeipräsidium / Local Police Department",
    "US": "City Police Department",
    "APAC": "Police Force, Neighbourhood Police Centre",
}
# Perils for which the claim carries a police report when it has attachments.
POLICE_PERILS = frozenset({"theft", "collision", "fire"})
