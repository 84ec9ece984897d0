"""The simulated insurers and their house styles.

Every document an insurer issues carries its style: policy-number format, product names,
form templates, fonts, page size, margins, clause numbering and a text logo. Ten fictional
insurers spread over the three regions so that no single look dominates the corpus.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """One insurance product: its name, what it insures and what it may cover."""

    name: str
    asset: str  # "home" or "motor"
    base: tuple[str, ...]
    optional: tuple[str, ...]
    limit_range: tuple[int, int, int]  # low, high, step


@dataclass(frozen=True)
class Insurer:
    """An insurer with everything that makes its documents recognisable."""

    key: str
    name: str
    logo: str
    region: str
    country: str
    language: str
    variant: str  # English usage of the market: ie, us, sg, au, nz, hk (or the language itself)
    currency: str
    number_format: str
    number_prefix: str
    clause_style: str
    font: str
    page: str
    margin_mm: float
    font_size: float
    bold_labels: bool
    accent: tuple[float, float, float]
    templates: tuple[str, ...]
    checkbox_styles: tuple[str, ...]
    form_code: str
    form_revision: dt.date
    address: tuple[str, ...]
    city: str
    claims_email: str
    timezone: str
    products: tuple[Product, ...]


HOME_OPT = ("storm", "theft", "glass", "other")
MOTOR_OPT = ("glass", "theft", "fire", "storm", "other")


def _contents(name: str) -> Product:
    return Product(name, "home", ("water", "fire"), HOME_OPT, (10_000, 150_000, 1_000))


def _buildings(name: str) -> Product:
    return Product(name, "home", ("water", "fire", "storm"), ("glass", "other"), (100_000, 500_000, 5_000))


def _motor(name: str) -> Product:
    return Product(name, "motor", ("collision",), MOTOR_OPT, (5_000, 80_000, 500))


INSURERS: tuple[Insurer, ...] = (
    Insurer(
        "hanseatic",
        "Hanseatische Sachversicherung AG",
        "HANSEATISCHE",
        "EU",
        "DE",
        "de",
        "de",
        "EUR",
        "de_code",
        "VS-Nr.",
        "para",
        "helvetica",
        "A4",
        20,
        9.5,
        True,
        (0.05, 0.2, 0.45),
        ("boxes", "inline", "table"),
        ("xbox", "bracket", "check"),
        "SM-12",
        dt.date(2021, 1, 1),
        ("Hanseatische Sachversicherung AG", "Schadenservice", "Ballindamm 41", "20095 Hamburg"),
        "Hamburg",
        "schaden@hanseatische.example",
        "EU",
        (_contents("Hausrat Komfort"), _buildings("Wohngebäude Plus"), _motor("Kfz-Vollkasko")),
    ),
    Insurer(
        "rhone",
        "Mutuelle du Rhône Assurances",
        "MUTUELLE DU RHÔNE",
        "EU",
        "FR",
        "fr",
        "fr",
        "EUR",
        "slash_year",
        "Contrat",
        "art",
        "times",
        "A4",
        25,
        10.5,
        False,
        (0.45, 0.1, 0.15),
        ("inline", "columns"),
        ("bracket", "filled", "xbox"),
        "DS-4",
        dt.date(2020, 9, 1),
        ("Mutuelle du Rhône Assurances", "Service Sinistres", "18 quai Jules Courmont", "69002 Lyon"),
        "Lyon",
        "sinistres@mutuelle-rhone.example",
        "EU",
        (
            _contents("Multirisque Habitation"),
            _contents("Habitation Essentielle"),
            _motor("Auto Tous Risques"),
        ),
    ),
    Insurer(
        "iberica",
        "Ibérica Hogar y Motor, S.A. de Seguros",
        "IBÉRICA SEGUROS",
        "EU",
        "ES",
        "es",
        "es",
        "EUR",
        "padded",
        "Póliza",
        "decimal",
        "vera",
        "A4",
        15,
        9,
        True,
        (0.6, 0.25, 0.0),
        ("table", "boxes"),
        ("xbox", "filled", "check"),
        "PS-3",
        dt.date(2022, 5, 1),
        ("Ibérica Hogar y Motor, S.A.", "Departamento de Siniestros", "Calle de Alcalá 214", "28028 Madrid"),
        "Madrid",
        "siniestros@iberica-seguros.example",
        "EU",
        (_contents("Hogar Plus"), _buildings("Hogar Continente"), _motor("Auto Todo Riesgo")),
    ),
    Insurer(
        "celtic",
        "Celtic Shield Insurance DAC",
        "CELTIC SHIELD",
        "EU",
        "IE",
        "en",
        "ie",
        "EUR",
        "spaced_check",
        "Pol.",
        "section",
        "helvetica",
        "A5",
        12,
        8.5,
        False,
        (0.0, 0.4, 0.25),
        ("inline", "boxes"),
        ("bracket", "check", "ballot"),
        "CL-7",
        dt.date(2019, 3, 1),
        (
            "Celtic Shield Insurance DAC",
            "Claims Department",
            "Block C, Harcourt Centre",
            "Dublin 2, D02 X285",
        ),
        "Dublin",
        "claims@celticshield.example",
        "IE",
        (_contents("Home Contents Cover"), _buildings("Home Buildings Cover"), _motor("Comprehensive Car")),
    ),
    Insurer(
        "greatlakes",
        "Great Lakes Mutual Insurance Company",
        "GREAT LAKES MUTUAL",
        "US",
        "US",
        "en",
        "us",
        "USD",
        "grouped",
        "Policy",
        "dot",
        "times",
        "LETTER",
        25,
        10,
        True,
        (0.1, 0.15, 0.4),
        ("columns", "table", "inline"),
        ("xbox", "bracket", "filled"),
        "GL-CL 104",
        dt.date(2018, 7, 1),
        (
            "Great Lakes Mutual Insurance Company",
            "Property & Casualty Claims",
            "1100 Superior Avenue E",
            "Cleveland, OH 44114",
        ),
        "Cleveland",
        "claims@greatlakesmutual.example",
        "US-Eastern",
        (_contents("Renters HO-4"), _buildings("Homeowners HO-3"), _motor("Personal Auto")),
    ),
    Insurer(
        "frontier",
        "Frontier Auto & Home Insurance Co.",
        "FRONTIER",
        "US",
        "US",
        "en",
        "us",
        "USD",
        "alnum_mix",
        "Pol. #",
        "clause",
        "courier",
        "LEGAL",
        18,
        9,
        False,
        (0.55, 0.3, 0.05),
        ("inline", "boxes"),
        ("bracket", "check", "xbox"),
        "FAH-210",
        dt.date(2020, 2, 1),
        (
            "Frontier Auto & Home Insurance Co.",
            "Claims Intake",
            "2200 N Central Ave, Suite 900",
            "Phoenix, AZ 85004",
        ),
        "Phoenix",
        "newclaims@frontier-ah.example",
        "US-Arizona",
        (_contents("Condo Contents"), _buildings("HomeGuard"), _motor("Auto Comprehensive")),
    ),
    Insurer(
        "straits",
        "Straits General Holdings Ltd",
        "STRAITS GENERAL",
        "APAC",
        "SG",
        "en",
        "sg",
        "SGD",
        "dots",
        "Policy",
        "clause",
        "helvetica",
        "A4",
        18,
        9,
        True,
        (0.7, 0.0, 0.1),
        ("table", "boxes"),
        ("check", "xbox", "filled"),
        "SGH/CF-02",
        dt.date(2023, 4, 1),
        ("Straits General Holdings Ltd", "Claims Services", "80 Robinson Road #12-01", "Singapore 068898"),
        "Singapore",
        "claims@straitsgeneral.example",
        "SG",
        (_contents("HomeProtect"), _motor("Motor Comprehensive")),
    ),
    Insurer(
        "southerncross",
        "Southern Cross Mutual Insurance Ltd",
        "SOUTHERN CROSS",
        "APAC",
        "AU",
        "en",
        "au",
        "AUD",
        "au_code",
        "Pol.",
        "decimal",
        "vera",
        "A4",
        22,
        10,
        False,
        (0.0, 0.3, 0.5),
        ("boxes", "inline", "columns"),
        ("xbox", "bracket", "ballot"),
        "SCM-CLM1",
        dt.date(2021, 11, 1),
        (
            "Southern Cross Mutual Insurance Ltd",
            "Claims Lodgement",
            "Level 14, 60 Margaret Street",
            "Sydney NSW 2000",
        ),
        "Sydney",
        "lodge@southerncross.example",
        "AU",
        (_contents("Home & Contents"), _buildings("Landlord Buildings"), _motor("Comprehensive Car")),
    ),
    Insurer(
        "aotearoa",
        "Aotearoa Mutual Insurance",
        "AOTEAROA MUTUAL",
        "APAC",
        "NZ",
        "en",
        "nz",
        "NZD",
        "compact",
        "Policy",
        "dot",
        "times",
        "A4",
        24,
        11,
        False,
        (0.0, 0.35, 0.2),
        ("inline", "table"),
        ("bracket", "filled"),
        "AM-C3",
        dt.date(2019, 10, 1),
        ("Aotearoa Mutual Insurance", "Claims Team", "Level 3, 94 Featherston Street", "Wellington 6011"),
        "Wellington",
        "claims@aotearoamutual.example",
        "NZ",
        (_contents("Household Contents"), _buildings("House Cover"), _motor("Car Comprehensive")),
    ),
    Insurer(
        "harbour",
        "Harbour Pacific Assurance Co. Ltd",
        "HARBOUR PACIFIC",
        "APAC",
        "HK",
        "en",
        "hk",
        "HKD",
        "hk_code",
        "Pol. No.",
        "section",
        "courier",
        "A4",
        16,
        9.5,
        True,
        (0.15, 0.15, 0.15),
        ("columns", "inline"),
        ("xbox", "check"),
        "HPA-CF/8",
        dt.date(2022, 1, 1),
        (
            "Harbour Pacific Assurance Co. Ltd",
            "Claims Division",
            "21/F, Pacific Trade Centre",
            "88 Gloucester Road, Wan Chai, Hong Kong",
        ),
        "Hong Kong",
        "claims@harbourpacific.example",
        "HK",
        (_contents("Household Plus"), _contents("Home Contents"), _motor("Private Car Comprehensive")),
    ),
)

BY_KEY: dict[str, Insurer] = {ins.key: ins for ins in INSURERS}


def insurers_in(region: str) -> tuple[Insurer, ...]:
    """The insurers that write policies in ``region``."""
    return tuple(ins for ins in INSURERS if ins.region == region)
