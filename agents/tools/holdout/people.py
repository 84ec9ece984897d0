"""People, firms and places, drawn from seeded Faker instances per market.

Faker supplies names and addresses for most markets; Singapore and Hong Kong addresses,
bank details, licence plates and police stations are built here so that every string is
plausible for its country and reproducible from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

NAME_LOCALE = {"de": "de_DE", "fr": "fr_FR", "es": "es_ES", "en": "en_GB"}
ADDRESS_LOCALE = {
    "DE": "de_DE",
    "FR": "fr_FR",
    "ES": "es_ES",
    "IE": "en_IE",
    "US": "en_US",
    "AU": "en_AU",
    "NZ": "en_NZ",
    "SG": "en_GB",
    "HK": "en_GB",
}
ASIAN_SURNAMES = (
    "Tan",
    "Lim",
    "Lee",
    "Ng",
    "Wong",
    "Chan",
    "Cheung",
    "Lau",
    "Goh",
    "Chua",
    "Koh",
    "Leung",
    "Teo",
    "Yeo",
    "Ho",
    "Kwok",
)
SG_STREETS = (
    "Tampines Street 11",
    "Ang Mo Kio Avenue 3",
    "Jurong West Street 52",
    "Bedok North Road",
    "Clementi Avenue 4",
    "Toa Payoh Lorong 1",
    "Punggol Field",
    "Bukit Batok Street 21",
)
HK_STREETS = (
    "King's Road, North Point",
    "Nathan Road, Mong Kok",
    "Des Voeux Road West, Sai Ying Pun",
    "Tai Po Road, Sham Shui Po",
    "Sha Tin Centre Street, Sha Tin",
    "Wan Chai Road, Wan Chai",
)
CARS = {
    "DE": ("VW Golf", "Opel Astra", "BMW 320d", "Audi A4", "Skoda Octavia", "Ford Focus"),
    "FR": ("Peugeot 308", "Renault Clio", "Citroën C4", "Dacia Sandero", "Renault Mégane"),
    "ES": ("Seat León", "Seat Ibiza", "Renault Clio", "Toyota Corolla", "Peugeot 2008"),
    "IE": ("Toyota Corolla", "Hyundai Tucson", "VW Golf", "Skoda Octavia", "Ford Focus"),
    "US": ("Toyota Camry", "Honda Accord", "Ford F-150", "Chevrolet Malibu", "Subaru Outback"),
    "AU": ("Toyota HiLux", "Mazda CX-5", "Hyundai i30", "Ford Ranger", "Kia Cerato"),
    "NZ": ("Toyota Corolla", "Mazda 3", "Suzuki Swift", "Ford Ranger", "Mitsubishi Outlander"),
    "SG": ("Toyota Corolla Altis", "Honda Vezel", "Hyundai Avante", "Mazda 3"),
    "HK": ("Toyota Alphard", "Honda Fit", "Tesla Model 3", "Mercedes C200"),
}


def ascii_fold(text: str) -> str:
    """``text`` without accents (for e-mail addresses)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Person:
    """A claimant, broker contact or officer, with contact details in their market's form."""

    name: str
    street: str
    city_line: str
    city: str
    phone: str
    email: str
    birth_date: dt.date
    bank: str
    language: str


@dataclass(frozen=True)
class Vehicle:
    """An insured car: model and plate."""

    model: str
    plate: str


def _iban(country: str, rng: random.Random) -> str:
    lengths = {"DE": 18, "FR": 23, "ES": 20, "IE": 14}
    bban = ("BOFI" if country == "IE" else "") + "".join(
        rng.choice("0123456789") for _ in range(lengths[country])
    )
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def bank_details(country: str, rng: random.Random) -> str:
    """Bank details as written in ``country``: an IBAN in the EU, local account forms elsewhere."""
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if country in ("DE", "FR", "ES", "IE"):
        return _iban(country, rng)
    if country == "US":
        return f"Routing {rng.choice('0123')}{d(8)}, Account {d(10)}"
    if country == "AU":
        return f"BSB {d(3)}-{d(3)}, Account {d(4)} {d(4)}"
    if country == "NZ":
        return f"{d(2)}-{d(4)}-{d(7)}-{d(2)}"
    if country == "SG":
        return f"DBS Bank {d(3)}-{d(1)}-{d(6)}"
    return f"HSBC {d(3)}-{d(6)}-{d(3)}"


def plate(country: str, rng: random.Random) -> str:
    """A licence plate in the form used in ``country``."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    L = lambda n: "".join(rng.choice(letters) for _ in range(n))  # noqa: E731
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    forms = {
        "DE": lambda: (
            f"{rng.choice(('HH', 'B', 'M', 'K', 'HB', 'PI', 'OD'))}-{L(2)} {rng.randrange(1, 9999)}"
        ),
        "FR": lambda: f"{L(2)}-{d(3)}-{L(2)}",
        "ES": lambda: f"{d(4)} {L(3)}",
        "IE": lambda: (
            f"{rng.randrange(141, 242)}-{rng.choice(('D', 'C', 'G', 'KE', 'WW'))}-{rng.randrange(1, 99999)}"
        ),
        "US": lambda: f"{L(3)} {d(4)}" if rng.random() < 0.5 else f"{L(3)}{d(4)}",
        "AU": lambda: f"{L(2)} {d(2)} {L(2)}",
        "NZ": lambda: f"{L(3)}{d(3)}",
        "SG": lambda: f"S{L(2)} {rng.randrange(1, 9999)} {L(1)}",
        "HK": lambda: f"{L(2)} {rng.randrange(1, 9999)}",
    }
    return forms[country]()


class People:
    """Seeded Faker instances per locale and the helpers that turn them into people."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        """The seeded Faker of ``locale`` (created on first use)."""
        if locale not in self._fakers:
            fk = Faker(locale)
            fk.seed_instance(self._seed * 7919 + sum(map(ord, locale)))
            self._fakers[locale] = fk
        return self._fakers[locale]

    def name(self, language: str, country: str, rng: random.Random) -> str:
        """A full name for someone of ``language`` living in ``country``."""
        if country in ("SG", "HK"):
            return f"{self.faker('en_GB').first_name()} {rng.choice(ASIAN_SURNAMES)}"
        locale = "es_MX" if country == "US" and language == "es" else NAME_LOCALE[language]
        if country in ("US", "AU", "NZ", "IE") and language == "en":
            locale = ADDRESS_LOCALE[country]
        fk = self.faker(locale)
        return f"{fk.first_name()} {fk.last_name()}"

    def address(self, country: str, rng: random.Random) -> tuple[str, str, str]:
        """Street line, town line and town."""
        if country == "SG":
            unit = f"#{rng.randrange(2, 20):02d}-{rng.randrange(1, 300):02d}"
            postcode = rng.randrange(100000, 829999)
            return (
                f"Blk {rng.randrange(1, 999)} {rng.choice(SG_STREETS)} {unit}",
                f"Singapore {postcode}",
                "Singapore",
            )
        if country == "HK":
            flat = f"Flat {rng.randrange(1, 30)}{rng.choice('ABCDEFGH')}, {rng.randrange(2, 40)}/F"
            return f"{flat}, {rng.randrange(1, 400)} {rng.choice(HK_STREETS)}", "Hong Kong", "Hong Kong"
        fk = self.faker(ADDRESS_LOCALE[country])
        if country == "IE":
            town = rng.choice(
                ("Dublin 4", "Dublin 6W", "Cork", "Galway", "Limerick", "Naas, Co. Kildare", "Bray")
            )
            return str(fk.street_address()), town, town.split(",")[0].rstrip(" 46W")
        lines = fk.address().split("\n")
        street, town = lines[0], " ".join(lines[1:]) or fk.postcode() + " " + fk.city()
        city = fk.city()
        if country == "DE":
            city = town.split(" ", 1)[-1]
        return street, town, city

    def person(self, language: str, country: str, rng: random.Random) -> Person:
        """A complete person with address, phone, e-mail, birth date and bank details."""
        name = self.name(language, country, rng)
        street, town, city = self.address(country, rng)
        phone = self.phone(country, rng)
        user = ascii_fold(name).lower().replace(" ", rng.choice((".", "_", ""))).replace("'", "")
        number = rng.choice(("", str(rng.randrange(1, 99))))
        email = f"{user}{number}@{rng.choice(('mail', 'post', 'web', 'inbox'))}.example"
        birth = dt.date(rng.randrange(1945, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        return Person(name, street, town, city, phone, email, birth, bank_details(country, rng), language)

    def phone(self, country: str, rng: random.Random) -> str:
        """A telephone number as written in ``country``."""
        if country in ("SG", "HK"):
            code = "+65" if country == "SG" else "+852"
            return f"{code} {rng.choice('689')}{rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        return str(self.faker(ADDRESS_LOCALE[country]).phone_number())

    def company(self, country: str) -> str:
        """A company name for ``country``."""
        return str(self.faker(ADDRESS_LOCALE[country]).company())

    def surname(self, country: str) -> str:
        """A family name for ``country``."""
        return str(self.faker(ADDRESS_LOCALE[country]).last_name())

    def vehicle(self, country: str, rng: random.Random) -> Vehicle:
        """A car as it would be insured in ``country``."""
        return Vehicle(rng.choice(CARS[country]), plate(country, rng))
