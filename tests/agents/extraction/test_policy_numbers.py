"""Policy-number keys and candidate spans: normalisation, OCR folding, span boundaries, speed."""

from __future__ import annotations

import random
import re

import pytest

from agents.extraction.policy_numbers import Candidate, candidates, key_shape, match_key, spans, strict_key

FORMATS = (
    "HX 442 019 7",
    "A/2023/00471-K",
    "DE-HR-7734-21",
    "P00012345",
    "4471-882-09",
    "SGH.2231.778",
    "NZ7781Q",
)


def texts_of(text: str, **options: int) -> list[str]:
    return [c.text for c in candidates(text, **options)]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("hx 442-019/7", "HX4420197"),
        ("A/2023/00471-K", "A202300471K"),
        ("de_hr.7734 21", "DEHR773421"),
        ("  p0001\u20132345 ", "P00012345"),
        ("Müller-12", "MLLER12"),
    ],
)
def test_strict_key_drops_case_and_every_separator(written: str, key: str) -> None:
    assert strict_key(written) == key


@pytest.mark.parametrize(
    ("letter", "digit"),
    [("O", "0"), ("Q", "0"), ("I", "1"), ("L", "1"), ("S", "5"), ("B", "8"), ("Z", "2"), ("G", "6")],
)
def test_match_key_folds_each_confusable_letter_onto_its_digit(letter: str, digit: str) -> None:
    assert (
        match_key(f"X{letter}9")
        == match_key(f"X{letter.lower()}9")
        == match_key(f"X{digit}9")
        == f"X{digit}9"
    )


def test_match_key_keeps_other_letters_and_reads_a_pipe_as_one() -> None:
    assert match_key("DE-HR 7734") == "DEHR7734"  # D is not folded: it opens too many prefixes
    assert match_key("P000|2345") == "P00012345"
    assert match_key("SGH.2231.778") == match_key("5gH 223l 77B") == "56H2231778"


def test_key_shape_marks_letters_and_digits() -> None:
    assert key_shape(match_key("HX 442 019 7")) == "AA9999999"
    assert key_shape(match_key("SGH.2231.778")) == "99A9999999"


@pytest.mark.parametrize("number", FORMATS)
def test_every_format_is_a_candidate_in_a_sentence(number: str) -> None:
    found = candidates(f"Dear Sirs, my policy {number} covers the loss, see attached.")
    assert any(c.text == number and c.key == match_key(number) for c in found)


def test_candidate_carries_span_text_and_keys() -> None:
    text = "Policy: hx 442 O19 7, thanks"
    [whole] = [c for c in candidates(text) if c.text == "hx 442 O19 7"]
    assert whole == Candidate(8, 20, "hx 442 O19 7", "HX442O197", "HX4420197")
    assert text[whole.start : whole.end] == whole.text


def test_candidates_are_spans_as_objects() -> None:
    text = "Ref CLM-2024-004217, policy P00012345 and 4471 882 09 on 12.03.2024."
    assert [(c.start, c.end, c.key) for c in candidates(text)] == spans(text)


def test_spans_never_start_or_end_inside_a_word() -> None:
    text = "XP00012345 Müller12345 AB12345CD"
    found = texts_of(text)
    assert "P00012345" not in found
    assert not any(t == "12345" for t in found)
    assert "AB12345CD" in found


def test_groups_join_on_one_line_with_single_separators_only() -> None:
    assert "HX 442 019 7" not in texts_of("HX 442\n019 7")
    assert "HX 442  019 7" not in texts_of("HX 442  019 7")  # two spaces are a gap, not a separator
    assert "HX4420197" not in [strict_key(t) for t in texts_of("HX 442, 019 7")]
    assert "HX\t442-019/7" in texts_of("HX\t442-019/7")


def test_a_number_cut_by_a_line_break_after_its_hyphen_is_read_whole() -> None:
    """Hold-out: "Pol. no.: 6723-" on one line and "224-17" on the next; the book's 6723-224-17 was
    never found, and the claim went without a policy."""
    text = "Pol. no.: 6723-\n224-17\nPolicyholder: Sonya Burch"
    assert (10, 22, "672322417") in spans(text)
    assert "672322417" in [c.key for c in candidates(text)]


def test_a_number_cut_where_a_digit_meets_the_line_break_is_read_whole() -> None:
    """Spent seed 899799: a Spanish form's narrow value column printed "P 0116" over "6484"; the
    book's P01166484 was never found and the redactor took "6484" for part of a phone number.
    A break where a digit meets it reads as a space ("6484 Carmen" stays two words)."""
    text = "Nº de siniestro:\nP 0116\n6484\nCarmen Crespi"
    assert (17, 28, "P01166484") in spans(text)
    assert "HX 442\n019 7" in texts_of("HX 442\n019 7")
    assert "SGH.\n5817.262" in texts_of("SGH.\n5817.262")  # cut after its dot: read with the break out
    assert not any("\n" in t for t in texts_of("Policy\nholder AB12 345"))  # two words: no number over
    long_line = "The total of the estimate enclosed with this letter is 1200"
    assert not any("\n" in t for t in texts_of(f"{long_line}\n45 AB"))  # a letter's lines: not read twice


def test_length_and_digit_limits() -> None:
    assert texts_of("ab 12") == []  # 4 characters
    assert texts_of("AB123") == ["AB123"]
    assert texts_of("ABCDEF1") == []  # one digit
    long = "A1" * 13  # 26 characters
    assert texts_of(long) == []
    assert texts_of("A1" * 12) == ["A1" * 12]
    assert texts_of("abc 123 def 456 ghi", max_groups=2) == ["abc 123", "123 def", "def 456", "456 ghi"]
    assert "abc 123 def 456" in texts_of("abc 123 def 456 ghi")


def test_a_compound_token_is_never_cut() -> None:
    """`4471-882-09-1` is not `4471-882-09` with something after it: one character was added."""
    found = texts_of("ref 4471-882-09-1 and A/2023/00471-K and SGH.2231.778.4")
    assert "4471-882-09" not in found
    assert "4471-882-09-1" in found
    assert "2023/00471-K" not in found and "A/2023/00471" not in found
    assert "SGH.2231.778" not in found


def test_a_lone_character_beside_a_span_belongs_to_it() -> None:
    found = texts_of("policy HX 442 019 7 5 and 1 P00012345 here")
    assert "HX 442 019 7" not in found
    assert "P00012345" not in found
    assert "HX 442 019 7 5" in found
    assert "1 P00012345" in found


def test_glued_label_and_missing_space_after_a_full_stop() -> None:
    found = texts_of("Policy No.P00012345.The claim, Nr-4471-882-09 ok")
    assert "P00012345" in found
    assert "4471-882-09" in found


def test_pipe_inside_a_word_is_read_as_one() -> None:
    [c] = [c for c in candidates("number P000|2345 ok") if c.text == "P000|2345"]
    assert c.key == "P00012345"
    assert c.strict == "P0002345"


_REFERENCE_GROUP = re.compile(r"[A-Za-z0-9]+(?:\|[A-Za-z0-9]+)*")
_LABELS = {"NO", "NR", "NUM", "NUMBER", "REF", "POL", "POLICY", "POLICE", "NUMERO", "VS"}


def reference_spans(text: str, min_chars: int = 5, max_chars: int = 24, max_groups: int = 6) -> list[tuple]:
    """`spans` written plainly, from the rules in its docstrings, to check the fast one against:
    the spans of the text as it is, and those running over a line break that cut a number after
    its hyphen or slash, or after its dot before a digit (every such break taken out, positions
    mapped back)."""
    found = _reference_line_spans(text, min_chars, max_chars, max_groups)
    cuts = [
        m.start()
        for m in re.finditer(r"(?<=[A-Za-z0-9][-/])\n(?=[A-Za-z0-9])|(?<=[A-Za-z0-9]\.)\n(?=\d)", text)
    ]
    if cuts:
        where = [i for i in range(len(text)) if i not in set(cuts)]
        joined = "".join(text[i] for i in where)
        for start, end, key in _reference_line_spans(joined, min_chars, max_chars, max_groups):
            begin, stop = where[start], where[end - 1] + 1
            if any(begin < cut < stop for cut in cuts):
                found.append((begin, stop, key))
    # ... and those running over a break where a digit meets it between two lines of at most
    # `max_chars` characters, the break read as a space.
    lines = text.split("\n")
    ends = [sum(len(line) + 1 for line in lines[: i + 1]) - 1 for i in range(len(lines) - 1)]
    short = {
        end for i, end in enumerate(ends) if len(lines[i]) <= max_chars and len(lines[i + 1]) <= max_chars
    }
    spaced = [
        m.start()
        for m in re.finditer(r"(?<=\d)\n(?=[A-Za-z0-9])|(?<=[A-Za-z])\n(?=\d)", text)
        if m.start() in short
    ]
    joined = "".join(" " if i in set(spaced) else ch for i, ch in enumerate(text))
    for start, end, key in _reference_line_spans(joined, min_chars, max_chars, max_groups):
        if any(start < cut < end for cut in spaced):
            found.append((start, end, key))
    return sorted(found)


def _reference_line_spans(text: str, min_chars: int, max_chars: int, max_groups: int) -> list[tuple]:
    groups = [
        (m.start(), m.end(), m.group())
        for m in _REFERENCE_GROUP.finditer(text)
        if not (m.start() > 0 and text[m.start() - 1].isalnum())
        and not (m.end() < len(text) and text[m.end()].isalnum())
    ]
    chains: list[list[tuple[int, int, str]]] = []
    for group in groups:
        if (
            chains
            and group[0] - chains[-1][-1][1] == 1
            and text[group[0] - 1] in " \t\u00a0-/._\u2010\u2011\u2012\u2013"
        ):
            chains[-1].append(group)
        else:
            chains.append([group])
    found = []
    for chain in chains:
        for i in range(len(chain)):
            for j in range(i, min(len(chain), i + max_groups)):
                start, end = chain[i][0], chain[j][1]
                key = match_key(text[start:end])
                if not (min_chars <= len(key) <= max_chars):
                    continue
                if sum(c.isdigit() or c == "|" for c in text[start:end]) < 2:
                    continue
                if i > 0:
                    before, separator = chain[i - 1][2], text[start - 1]
                    if separator in " \t\u00a0" and len(before) < 2:
                        continue
                    if separator not in " \t\u00a0" and before.upper() not in _LABELS:
                        continue
                if j < len(chain) - 1:
                    after, separator = chain[j + 1][2], text[end]
                    if separator in " \t\u00a0" and len(after) < 2:
                        continue
                    if separator not in " \t\u00a0" and not (
                        separator == "." and len(after) >= 2 and after.isalpha()
                    ):
                        continue
                found.append((start, end, key))
    return sorted(found)


@pytest.mark.parametrize("seed", range(40))
def test_spans_agree_with_a_plain_reading_of_the_rules(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [
        "A",
        "b",
        "Z",
        "O",
        "l",
        "7",
        "0",
        "12",
        "345",
        "No",
        "x",
        "HX",
        "P0001",
        "Ab",
        "The",
        "ü",
        "é9",
        "|",
        "1|2",
    ]
    gaps = [" ", " ", "-", "/", ".", "_", "\t", "\u00a0", "\u2013", "  ", ", ", "\n", ":", "", "(", "."]
    text = "".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(400))
    assert spans(text) == reference_spans(text)
    assert spans(text, min_chars=3, max_chars=8, max_groups=3) == reference_spans(text, 3, 8, 3)
    assert spans(text, sizes={5, 9}) == [s for s in reference_spans(text) if len(s[2]) in {5, 9}]
