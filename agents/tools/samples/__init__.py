"""Synthetic policy book and claim documents with ground truth (`claimflow sample`).

The corpus needs documents that look like what customers send: three layouts, varied
labels, region-specific date formats and distractor dates (report date, date of birth,
policy start) that a naive extractor would take for the incident date. Everything is
drawn from seeded `random.Random` generators, and reportlab runs with `invariant=1`, so a
seed always gives the same bytes.

Customers also send scans and phone photos (`degrade`), several documents under one
claim id (a repair estimate, a police report), and the claims that break extractors and
must still be decided right (`hard`: dates in other languages, locale amounts, O/0 and
I/1 in policy numbers, short policy-number forms, letters whose account of the loss is
hard to delimit, late reports, uncovered perils). The ground truth (`truth`) gives every
field, every personal value with its spans, and the rules a claim is expected to fail.

Modules, one job each: `vocabulary` (wording and region data), `model` (people, policies,
claims), `render` (PDF layouts), `degrade` (scans, photos), `hard` (hard cases), `truth`
(ground truth records), `corpus` (`generate`, writing it all to disk).
"""

from agents.tools.samples.corpus import SampleCorpus, generate
from agents.tools.samples.degrade import SCAN_DPI
from agents.tools.samples.hard import FLAGGED_CASES, HARD_CASES
from agents.tools.samples.render import corrupt_pdf_bytes
from agents.tools.samples.vocabulary import (
    BIRTH_LABELS,
    DATE_FORMATS,
    DESCRIPTION_LABELS,
    EVENTS,
    HOLDER_LABELS,
    INCIDENT_LABELS,
    KINDS,
    LETTER_DESCRIPTION_CUES,
    LETTER_INCIDENT_CUES,
    LOCALE_DATE_FORMATS,
    POLICY_LABELS,
    PRODUCT_PERILS,
    REGIONS,
    REPORT_LABELS,
    SHORT_POLICY_LABEL,
    SHORT_POLICY_SHARE,
    START_LABELS,
)

__all__ = [
    "BIRTH_LABELS",
    "DATE_FORMATS",
    "DESCRIPTION_LABELS",
    "EVENTS",
    "FLAGGED_CASES",
    "HARD_CASES",
    "HOLDER_LABELS",
    "INCIDENT_LABELS",
    "KINDS",
    "LETTER_DESCRIPTION_CUES",
    "LETTER_INCIDENT_CUES",
    "LOCALE_DATE_FORMATS",
    "POLICY_LABELS",
    "PRODUCT_PERILS",
    "REGIONS",
    "REPORT_LABELS",
    "SCAN_DPI",
    "SHORT_POLICY_LABEL",
    "SHORT_POLICY_SHARE",
    "START_LABELS",
    "SampleCorpus",
    "corrupt_pdf_bytes",
    "generate",
]
