"""Policy numbers as keys: normalising case, separators and OCR confusions, and the spans worth looking up.

Insurers print numbers in every format (`HX 442 019 7`, `A/2023/00471-K`, `P00012345`) and
claimants and OCR rewrite them (no separators, other separators, lower case, `O` for `0`). No
pattern can say which token of a claim is a policy number; the region's book can. So this
module does not guess: `candidates` lists every span of a text that could be a number, and the
book (`agents.stores.policy_index`) decides which of their keys exist. Pure, no I/O.

Two keys per span. `strict_key` forgives case and separators only. `match_key` also folds the
letters OCR and handwriting confuse with digits onto those digits, so a number and its misreading
share one key. Folding goes letter -> digit only (the book's numbers are folded the same way,
so a letter printed in a number still matches its misread digit and vice versa):

    O, Q -> 0    round shapes; Q loses its tail in low-resolution scans
    I, L -> 1    and `|` inside a word (`P000|2345`): a 1 in a serif font or a bad scan
    S -> 5   B -> 8   Z -> 2   G -> 6

`D` is not folded onto `0`: engines rarely confuse them, and `D` opens many prefixes (`DE-`,
`DK-`), so folding it would merge distinct numbers for little gain. Keys only ever say
"equal or not": a number one real character away from a policy has another key and never
matches; only a confusable pair (`0`/`O`) is forgiven, and the caller learns it (`exact`).
Folding has a price: in number-dense text an unrelated string can fold onto a real number
(an IBAN tail `0104 38` before `A storm` reads as `OI0438A`; 2 of 200 claims in the bench,
both `exact=False`), so a caller should prefer exact matches and never approve on a folded one.

Span boundaries carry the other half of that promise. A span never cuts a word, and it never
cuts a compound token (`4471-882-09-1`, `A/2023/00471-K`) or stops next to a lone character
(`HX 442 019 7 5`): those would read a number with a character added or dropped as the book's
number. The exceptions are label words glued to the number (`No.P00012345`) and a sentence
word after a missing space (`P00012345.The`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from itertools import accumulate, pairwise

_NON_KEY = re.compile(r"[^A-Z0-9]+")
_OCR_FOLD = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
# Tables for `bytes.translate`, much faster than `str.translate` (which looks characters up in a dict).
_FOLD_BYTES = bytes.maketrans(_UPPER.encode(), _UPPER.translate(_OCR_FOLD).encode())
_SHAPE_BYTES = bytes.maketrans((_UPPER + _DIGITS).encode(), b"A" * 26 + b"9" * 10)


def _byte_table(source: str, target: str) -> bytes:
    """A `bytes.translate` table mapping `source` onto `target` and every other byte to a space."""
    table = bytearray(b" " * 256)
    for old, new in zip(source.encode(), target.encode(), strict=True):
        table[old] = new
    return bytes(table)


# For `spans`, byte by byte: the match key with anything else as a space (upper case, folded,
# `|` as 1); and the kind of character: `1` a digit (or `|`), `a` a letter, a space anything else.
_FOLD_ALL = _byte_table(
    _UPPER + _UPPER.lower() + _DIGITS + "|", _UPPER.translate(_OCR_FOLD) * 2 + _DIGITS + "1"
)
_KINDS = _byte_table(_UPPER + _UPPER.lower() + _DIGITS + "|", "a" * 52 + "1" * 11)

_SPACES = " \t\u00a0"
# Separators that bind a token together: a span never starts or ends at one (see `_opens`, `_closes`).
_TIGHT = "-/._\u2010\u2011\u2012\u2013"
_GROUP = r"[A-Za-z0-9]+(?:\|[A-Za-z0-9]+)*"
_SEPARATOR = "[" + re.escape(_SPACES + _TIGHT) + "]"
# A run of groups joined by single separators, not touching any other letter or digit (`Müller12`).
# (A `|` between ASCII letters or digits is inside a word too: `P000|2345`.)
_CHAIN = re.compile(
    rf"(?<![^\W_])(?<![A-Za-z0-9]\|){_GROUP}(?:{_SEPARATOR}{_GROUP})*(?![^\W_])(?!\|[A-Za-z0-9])"
)
# Words that label a number and are often glued to it by OCR or typists: `No.P00012345`, `Ref-4471`.
_LABELS = frozenset({"NO", "NR", "NUM", "NUMBER", "REF", "POL", "POLICY", "POLICE", "NUMERO", "VS"})


def strict_key(text: str) -> str:
    """Upper case, every character but ASCII letters and digits removed: `hx 442-019/7` -> `HX4420197`."""
    return _NON_KEY.sub("", text.upper())


def match_key(text: str) -> str:
    """`strict_key` with OCR-confusable letters folded onto digits (the module docstring has the map).

    `|` counts as `1` here: `candidates` only passes one that sits inside a word.
    """
    return (
        _NON_KEY.sub("", text.upper().replace("|", "1"))
        .encode("ascii")
        .translate(_FOLD_BYTES)
        .decode("ascii")
    )


def key_shape(key: str) -> str:
    """The key with letters as `A` and digits as `9` (`HX4420197` -> `AA9999999`).

    Equal keys have equal shapes, so a lookup can skip every key whose shape no policy of the
    region has without ever losing a match; a book holds a few formats, a claim many shapes.
    """
    return key.encode("ascii").translate(_SHAPE_BYTES).decode("ascii")


@dataclass(frozen=True)
class Candidate:
    """A span of the text that could be a policy number, with its two keys."""

    start: int
    end: int
    text: str
    strict: str
    key: str


def candidates(text: str, *, min_chars: int = 5, max_chars: int = 24, max_groups: int = 6) -> list[Candidate]:
    """Every span that could be a policy number, in text order.

    A span is 1..`max_groups` consecutive alphanumeric groups on one line joined by single
    separators (space, hyphen, slash, dot, underscore), starting and ending at group
    boundaries, whose key has `min_chars`..`max_chars` characters of which at least two are
    digits. Spans that would cut a compound token or stop next to a lone character are left
    out (the module docstring says why). A 20 KB claim gives a few hundred to a few thousand.
    """
    return [
        Candidate(start, end, text[start:end], strict_key(text[start:end]), key)
        for start, end, key in spans(text, min_chars=min_chars, max_chars=max_chars, max_groups=max_groups)
    ]


# A number a line break cut after its hyphen or slash, or after its dot before a digit ("Pol. no.:
# 6723-" / "224-17", "SGH." / "5817.262"): read with the break taken out. One cut where a digit
# meets the break between two short lines ("P 0116" / "6484", a form's narrow value column): read
# with the break as a space, so the words stay apart.
_BREAK = re.compile(r"\n(?=[A-Za-z0-9])")  # a literal first: the scan for breaks stays fast


def spans(
    text: str,
    *,
    min_chars: int = 5,
    max_chars: int = 24,
    max_groups: int = 6,
    sizes: Collection[int] | None = None,
) -> list[tuple[int, int, str]]:
    """`candidates` as `(start, end, match key)` tuples: what a lookup needs, without building objects.

    With `sizes`, only spans whose key has one of these lengths: a lookup passes the lengths
    its book's numbers have, and most spans are never built. A number that a line break cut
    (after a hyphen, slash or dot, or where a digit meets the break between two short lines) is
    also found whole, its span running over the break.
    """
    found = _spans(text, min_chars, max_chars, max_groups, sizes)
    found.extend(_across(text, _cuts_after_separator(text), min_chars, max_chars, max_groups, sizes))
    # Only between two short lines (a form's value column, a number on a line of its own): the
    # lines of a table or a letter are not read twice, which would double a lookup's cost.
    found.extend(
        _across_spaced(text, _cuts_at_digit(text, max_chars), min_chars, max_chars, max_groups, sizes)
    )
    return sorted(found)


def _across_spaced(
    text: str,
    cuts: list[int],
    min_chars: int,
    max_chars: int,
    max_groups: int,
    sizes: Collection[int] | None,
) -> list[tuple[int, int, str]]:
    """The spans running over one of the line breaks at `cuts`, each read as a space.

    The lines around the breaks are copied into one text, a run of joined lines to a line, and
    read in one pass: a claim with many such breaks costs one call, not one per break.
    """
    if not cuts:
        return []
    linked = set(cuts)
    starts: list[int] = []  # where each run of joined lines starts in `text`
    runs: list[str] = []
    copied_to = -1
    for cut in cuts:
        if cut < copied_to:
            continue  # inside the run already copied
        first = text.rfind("\n", 0, cut) + 1
        last = text.find("\n", cut + 1)
        while last in linked:
            last = text.find("\n", last + 1)
        last = len(text) if last < 0 else last
        starts.append(first)
        runs.append(text[first:last].replace("\n", " "))
        copied_to = last
    offsets = list(accumulate((len(run) + 1 for run in runs), initial=0))
    found = []
    for start, stop, key in _spans("\n".join(runs), min_chars, max_chars, max_groups, sizes):
        run = bisect_right(offsets, start) - 1
        begin, end = starts[run] + start - offsets[run], starts[run] + stop - offsets[run]
        if any(position in linked for position in range(begin + 1, end)):
            found.append((begin, end, key))
    return found


def _cuts_after_separator(text: str) -> list[int]:
    """The line breaks after a number's hyphen or slash, or after its dot when a digit follows."""
    cuts = []
    for found in _BREAK.finditer(text):
        cut = found.start()
        if cut >= 2 and text[cut - 2].isascii() and text[cut - 2].isalnum():
            mark = text[cut - 1]
            if mark in "-/" or (mark == "." and text[cut + 1].isdigit()):
                cuts.append(cut)
    return cuts


def _cuts_at_digit(text: str, max_chars: int) -> list[int]:
    """The line breaks where a digit meets the break, between two lines of at most `max_chars`."""
    cuts = []
    position = -1
    lines = text.split("\n")
    for before, after in pairwise(lines):
        position += len(before) + 1  # the break after `before`
        if (
            before
            and after
            and len(before) <= max_chars
            and len(after) <= max_chars
            and before[-1].isascii()
            and after[0].isascii()
            and before[-1].isalnum()
            and after[0].isalnum()
            and (before[-1].isdigit() or after[0].isdigit())
        ):
            cuts.append(position)
    return cuts


def _across(
    text: str,
    cuts: list[int],
    min_chars: int,
    max_chars: int,
    max_groups: int,
    sizes: Collection[int] | None,
) -> list[tuple[int, int, str]]:
    """The spans running over one of the line breaks at `cuts`, each break taken out.

    The lines around each break are read as one (chains never cross other line breaks); the
    spans' positions are mapped back to `text`.
    """
    found: list[tuple[int, int, str]] = []
    groups: list[list[int]] = []  # the breaks of lines that run on into each other
    for cut in cuts:
        if groups and text.rfind("\n", 0, cut) == groups[-1][-1]:
            groups[-1].append(cut)  # this line starts right after the previous break
        else:
            groups.append([cut])
    for inner in groups:
        first = text.rfind("\n", 0, inner[0]) + 1
        last = text.find("\n", inner[-1] + 1)
        last = len(text) if last < 0 else last
        removed = set(inner)
        where = [i for i in range(first, last) if i not in removed]
        joined = "".join(text[i] for i in where)
        for start, stop, key in _spans(joined, min_chars, max_chars, max_groups, sizes):
            begin, end = where[start], where[stop - 1] + 1
            if any(begin < cut < end for cut in inner):
                found.append((begin, end, key))
    return found


def _spans(
    text: str, min_chars: int, max_chars: int, max_groups: int, sizes: Collection[int] | None
) -> list[tuple[int, int, str]]:
    """`spans` of one text, lines taken as they are.

    Written for speed (a lookup's budget is a few milliseconds): chains without two digits,
    i.e. most prose, are dropped after one regex match, and the keys and digit counts of a
    chain's groups come from one `bytes.translate` each, not from a loop over characters.
    """
    found: list[tuple[int, int, str]] = []
    lengths = range(min_chars, max_chars + 1) if sizes is None else sizes
    allowed = frozenset(n for n in lengths if min_chars <= n <= max_chars)
    if not allowed:
        return found
    longest = max(allowed)
    # Whole-text translations, one character to one byte so positions agree with `text`: the
    # match keys (a separator becomes a space), and each character's kind (digit, letter, other).
    raw = text.encode("ascii", "replace")
    folded = raw.translate(_FOLD_ALL).decode("ascii")
    kinds = raw.translate(_KINDS)
    for chain in _CHAIN.finditer(text):
        begin, end = chain.span()
        if kinds.count(b"1", begin, end) < 2:
            continue  # most chains are prose, with no number in them
        keys = folded[begin:end].split(" ")  # a group's key is as long as the group
        count = len(keys)
        # Prefix sums over groups [0, i): key length and digits; group i starts at begin + length[i] + i.
        length = list(accumulate(map(len, keys), initial=0))
        digits = list(accumulate(map(len, kinds[begin:end].translate(None, b"a").split(b" ")), initial=0))
        # Only groups from `max_groups` before the first digit to the last digit can start a span.
        last_digit = bisect_left(digits, digits[-1]) - 1
        first_digit = bisect_right(digits, 0) - 1
        reach = count  # the first group at or after `first` that has a digit
        for first in range(last_digit, max(-1, first_digit - max_groups), -1):
            if digits[first + 1] > digits[first]:
                reach = first
            if reach == count or reach - first >= max_groups or length[reach + 1] - length[first] > longest:
                continue  # no digit within reach: prose
            start = begin + length[first] + first
            if first and not _opens(text, start, length[first] - length[first - 1]):
                continue
            for last in range(reach, min(count, first + max_groups)):
                size = length[last + 1] - length[first]
                if size > longest:
                    break
                if size in allowed and digits[last + 1] - digits[first] >= 2:
                    stop = begin + length[last + 1] + last
                    if last == count - 1 or _closes(text, stop, length[last + 2] - length[last + 1]):
                        found.append((start, stop, "".join(keys[first : last + 1])))
    found.sort()
    return found


def _opens(text: str, start: int, before: int) -> bool:
    """Whether a span may start at `start`, after a separator and a group of `before` characters.

    After a space, unless that group is a lone character (`1 P00012345` is not `P00012345`);
    after a tight separator only when it is a label word (`No.P00012345`): anything else
    would read a token with a character added as the number.
    """
    if text[start - 1] in _SPACES:
        return before >= 2
    return text[start - 1 - before : start - 1].upper() in _LABELS


def _closes(text: str, stop: int, after: int) -> bool:
    """Whether a span may end at `stop`, before a separator and a group of `after` characters.

    Before a space, unless a lone character follows (`HX 442 019 7 5`); before a tight
    separator only when it is a dot and a word of letters follows (`P00012345.The`, a missing
    space), never inside a compound token (`4471-882-09-1`).
    """
    if text[stop] in _SPACES:
        return after >= 2
    return text[stop] == "." and after >= 2 and text[stop + 1 : stop + 1 + after].isalpha()
