"""The redactor over hostile text: never raises, its spans rebuild its output, planted PII never survives."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban

from agents.redaction import redact
from tests.fuzz.strategies import claim_text, heavy, regions, repeated_text

texts = claim_text | st.text()
spans_to_keep = st.lists(st.tuples(st.integers(-5, 400), st.integers(-5, 400)), max_size=4)
PLACEHOLDER = re.compile(r"<(NAME|EMAIL|PHONE|IBAN|ACCOUNT|ADDRESS|NATIONAL_ID)_[1-9]\d*>")


@given(texts, regions | st.none(), spans_to_keep)
def test_redaction_spans_rebuild_the_redacted_text_and_spare_the_kept_spans(
    text: str, region: str | None, keep: list[tuple[int, int]]
) -> None:
    result = redact(text, region, keep=keep)
    rebuilt, cursor = [], 0
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert PLACEHOLDER.fullmatch(span.placeholder)
        assert result.text[span.redacted_start : span.redacted_end] == span.placeholder
        assert not any(span.start < end and start < span.end for start, end in keep if start < end)
        rebuilt += [text[cursor : span.start], span.placeholder]
        cursor = span.end
    assert "".join([*rebuilt, text[cursor:]]) == result.text
    for before, after in pairwise(result.spans):
        assert before.end <= after.start
    assert sum(result.counts().values()) == len(result.spans)


words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country, length = draw(st.sampled_from([("DE", 18), ("NL", 14), ("GB", 18), ("FR", 23)]))
    body = draw(st.text("0123456789", min_size=length, max_size=length))
    bban = ("NWBK" + body[4:]) if country == "GB" else ("ABNA" + body[4:]) if country == "NL" else body
    return country + iban.calc_check_digits(country + "00" + bban) + bban


@given(claim_text, words, words, ibans(), claim_text, regions)
def test_an_email_and_an_iban_on_their_own_lines_are_always_redacted(
    before: str, user: str, domain: str, account: str, after: str, region: str
) -> None:
    email = f"{user}@{domain}.com"
    result = redact(f"{before}\n{email}\n{account}\n{after}", region)
    assert email not in result.text
    assert account not in result.text


@heavy()
@given(repeated_text(target=2_000), regions)
def test_redaction_finishes_on_repeated_claim_tokens(text: str, region: str) -> None:
    """Every finder runs on text built to make a backtracking regex or a quadratic merge crawl.

    2,000 characters, not a whole claim: phone detection (phonenumbers, once per national format
    of the region) costs about 0.6 ms a character on text that is nothing but digit groups, a cost
    that grows linearly; docs/fuzzing.md has the figures.
    """
    redact(text, region)
