"""Hypothesis strategies for claim-shaped hostile input: text made of the pieces the parsers react to.

Uniform random text almost never contains `EUR 4.850,00`, `3. März 2025` or `POL-EU-2024-000001`,
so most of a parser's branches would go untried. These strategies glue together the tokens the
parsers look for (currency markers, digit groups and their separators, month and weekday names,
labels, policy-number shapes) with arbitrary Unicode, so every run reaches the interesting code.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st


def heavy(share: int = 5) -> settings:
    """The active profile with 1/`share` of its examples, for tests whose every example costs 100+ ms."""
    return settings(max_examples=max(10, settings().max_examples // share))


CURRENCY_MARKERS = (
    "€", "$", "£", "¥", "₹", "EUR", "eur", "USD", "CHF", "GBP", "SGD", "US$", "U.S.$", "S$", "A$", "NZ$",
    "HK$", "C$", "Fr.", "SFr.", "dollars", "dólares australianos", "euros", "Euro", "pounds sterling",
    "francs suisses", "yen", "Mio.", "Mrd", "k", "M", "millions", "bn", "%",
)  # fmt: skip
SEPARATORS = (
    ".", ",", "'", "\u2019", " ", "\u00a0", "\u202f", "\u2009", "-", "\u2212", "/", "(", ")", ",-", ",--",
    "\t", "\n", ":", "|", "_", "§", "º", "°", "年", "月", "日", "\ufffe", "\x02", "\f",
)  # fmt: skip
WORDS = (
    "January", "Feb.", "März", "Maerz", "mars", "avril", "août", "abril", "de", "del", "le", "1er", "3rd",
    "of", "Montag", "Mo.", "lundi", "miércoles", "the", "am", "rev", "Seite", "Policy", "No.", "Nr.",
    "Pol.-Nr.", "Versicherungsschein-Nr.:", "policy number", "Date of loss:", "IBAN", "SSN", "Tel",
    "call", "Mr", "Frau", "Policyholder:", "Yours faithfully,", "Street", "strasse", "Via", "Jalan",
    "Katrin", "Vogel", "van", "der", "HENRIK", "ERIKSEN", "CLM-", "POL-EU-2024-", "HX 442 019 7",
    "A/2023/00471-K", "P000|2345", "O", "I", "l", "S", "B", "Z", "G", "@", "example.com", "+49", "00",
)  # fmt: skip

digit_runs = st.integers(min_value=0, max_value=10**7).map(str) | st.text(
    "0123456789", min_size=1, max_size=24
)
fragments = st.one_of(
    st.sampled_from(CURRENCY_MARKERS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(WORDS),
    digit_runs,
    st.text(max_size=6),
)

claim_text = st.lists(fragments, max_size=60).map("".join)
"""Short claim-shaped text: a few dozen of the parsers' tokens in any order, with Unicode between."""

regions = st.sampled_from(["EU", "US", "APAC"]) | st.text(max_size=4)


@st.composite
def repeated_text(draw: st.DrawFn, *, target: int = 20_000) -> str:
    """One claim-shaped piece repeated to about `target` characters: the shape of a backtracking attack."""
    piece = draw(st.lists(fragments, min_size=1, max_size=6).map("".join).filter(bool))
    return piece * max(1, target // len(piece))


@st.composite
def mutated(draw: st.DrawFn, original: bytes, *, max_edits: int = 4) -> bytes:
    """`original` with a few byte-level edits: truncation, overwritten, inserted or deleted bytes.

    What a broken upload, a bit flip on the way or a producer with the wrong schema leaves behind:
    mostly valid structure, broken somewhere the parser has to notice.
    """
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=max_edits))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        edit = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
        if edit == "truncate":
            del data[at:]
        elif edit == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[at : at + len(chunk)] = chunk
        elif edit == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from([b"\xff" * 8, b"\x80" * 9])
            )
        else:
            del data[at : at + draw(st.integers(min_value=1, max_value=16))]
    return bytes(data)
