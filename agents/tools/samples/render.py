"""Laying out a claim's documents as PDFs: forms, letters, tables, repair estimates, police reports.

reportlab runs with `invariant=1`, so a seed always gives the same bytes. Every renderer
draws the same number of values from the layout generator whatever hard case a claim
carries, so adding hard cases never changes how the other claims look.
"""

from __future__ import annotations

import io
import random
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from agents.tools.samples.model import Claim
from agents.tools.samples.vocabulary import (
    BIRTH_LABELS,
    DESCRIPTION_LABELS,
    HOLDER_LABELS,
    INCIDENT_LABELS,
    LETTER_DESCRIPTION_CUES,
    LETTER_INCIDENT_CUES,
    POLICE_FORCES,
    POLICY_LABELS,
    REGIONS,
    REPAIRERS,
    REPORT_LABELS,
    START_LABELS,
)

LAYOUTS = ("form", "letter", "table")


def corrupt_pdf_bytes() -> bytes:
    """A PDF header followed by a truncated, garbled body: neither pdfium nor pypdf can parse it."""
    buffer = io.BytesIO()
    _build_pdf(buffer, [Paragraph("This document will be truncated.", _styles()["Normal"])])
    data = buffer.getvalue()
    return data[: len(data) // 3] + b"\x00garbled\xff" * 8


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {"Normal": sheet["Normal"], "Title": sheet["Title"], "Heading": sheet["Heading2"]}


def _build_pdf(buffer: io.BytesIO, story: list[Flowable], title: str = "Claim notification") -> None:
    # invariant=1 fixes the creation date and document ID, so a seed gives identical bytes.
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title).build(story)


def render_claim(rng: random.Random, claim: Claim) -> tuple[bytes, str]:
    """The claim document's PDF and its layout (`form`, `letter` or `table`)."""
    drawn = rng.choice(LAYOUTS)
    builders = {"form": _form_story, "letter": _letter_story, "table": _table_story}
    story = builders[drawn](rng, claim)
    # Some hard cases only exist in one layout. The drawn layout has made its draws all the same
    # (see the module doc); the other one draws from a generator of the claim's own.
    layout = drawn
    if claim.letter_aside or claim.inline_account:
        layout = "letter"
    elif claim.extra_dates and drawn == "letter":
        layout = "form"
    if layout != drawn:
        story = builders[layout](random.Random(f"layout-{claim.file}-{claim.policy.number}"), claim)
    return render_story(story, title="Claim notification"), layout


def render_story(story: list[Flowable], *, title: str) -> bytes:
    buffer = io.BytesIO()
    _build_pdf(buffer, story, title=title)
    return buffer.getvalue()


def _grouped(amount: int, thousands: str) -> str:
    return f"{amount:,}".replace(",", thousands)


def money(claim: Claim, amount: int | None = None, cents: int | None = None) -> str:
    """A sum as the claim's documents print it: code or symbol, and the locale's separators."""
    amount = claim.estimate if amount is None else amount
    cents = claim.cents if cents is None else cents
    profile = REGIONS[claim.policy.region]
    code = profile.currency
    symbol = {"EUR": "€", "USD": "$", "SGD": "S$"}[code]
    style = claim.amount_style
    if style == "dot_comma":  # 12.450,00 (Germany, Spain, Italy, the Netherlands)
        return f"{code} {_grouped(amount, '.')},{cents:02d}"
    if style == "space_comma":  # 12 450,00 € (France)
        return f"{_grouped(amount, ' ')},{cents:02d} {symbol if code == 'EUR' else code}"
    if style == "apostrophe":  # 12'450.00 (Switzerland)
        return f"{code} {_grouped(amount, chr(39))}.{cents:02d}"
    if style == "symbol":
        return f"{symbol}{_grouped(amount, ',')}.{cents:02d}"
    if style == "code_after":
        return f"{_grouped(amount, ',')}.{cents:02d} {code}"
    return f"{code} {amount:,}.{cents:02d}"


def _form_story(rng: random.Random, claim: Claim) -> list[Flowable]:
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
        ("Estimated cost", money(claim)),
    ]
    report = [(rng.choice(REPORT_LABELS), claim.fmt(claim.reported))]
    policy += [(label, claim.fmt(value)) for label, value in claim.extra_dates]
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


def _letter_story(rng: random.Random, claim: Claim) -> list[Flowable]:
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
        f"I estimate the cost of repairs at {money(claim)}. "
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
        *(
            # The account runs on in the opening paragraph: where it ends is less clear.
            [escape(f"{opening} {claim.description}")]
            if claim.inline_account
            else [escape(opening), escape(claim.description)]
        ),
        *([escape(claim.letter_aside)] if claim.letter_aside else []),
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


def _table_story(rng: random.Random, claim: Claim) -> list[Flowable]:
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
        ["Estimated cost", money(claim)],
        *[[label, claim.fmt(value)] for label, value in claim.extra_dates],
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


# --- attachments --------------------------------------------------------------------------------


def _line_items(rng: random.Random, claim: Claim) -> list[tuple[str, int, int]]:
    """Two to four items (label, units, cents) that add up to the claimed amount exactly."""
    total = claim.estimate * 100 + claim.cents
    names = rng.sample(("Labour", "Materials", "Parts", "Call-out and inspection", "Disposal"), 3)
    shares = sorted(rng.sample(range(1, 100), 2))
    cut = [total * shares[0] // 100, total * shares[1] // 100]
    parts = [cut[0], cut[1] - cut[0], total - cut[1]]
    return [(name, part // 100, part % 100) for name, part in zip(names, parts, strict=True)]


def render_estimate(rng: random.Random, claim: Claim) -> bytes:
    """A repairer's estimate: customer, policy number, line items and the total claimed."""
    styles = _styles()
    holder = claim.policy.holder
    rows = [["Item", "Amount"]] + [
        [name, money(claim, units, cents)] for name, units, cents in _line_items(rng, claim)
    ]
    rows.append(["Total amount", money(claim)])
    table = Table(rows, colWidths=[300, 170])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story: list[Flowable] = [
        Paragraph(escape(rng.choice(REPAIRERS)), styles["Normal"]),
        Paragraph("Repair Estimate", styles["Title"]),
        Paragraph(f"Estimate no. {rng.randrange(10_000, 99_999)}", styles["Normal"]),
        Paragraph(f"Customer: {escape(holder.name)}", styles["Normal"]),
        Paragraph(f"Site: {escape(holder.street)}, {escape(holder.city)}", styles["Normal"]),
        Paragraph(f"Telephone: {escape(holder.phone)}", styles["Normal"]),
        Paragraph(
            f"{escape(claim.policy_label('Policy No.'))} {escape(claim.printed_policy)}", styles["Normal"]
        ),
        Spacer(1, 10),
        table,
        Spacer(1, 10),
        Paragraph("This estimate is valid for 30 days. Prices include VAT.", styles["Normal"]),
    ]
    return render_story(story, title="Repair estimate")


def render_police_report(rng: random.Random, claim: Claim, officer: str) -> bytes:
    """A police incident report: who reported what, the incident date and a reference number."""
    styles = _styles()
    holder = claim.policy.holder
    nature = {"theft": "Theft", "collision": "Road traffic collision", "fire": "Fire"}[claim.damage_type]
    reference = f"{rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)} {rng.randrange(10, 99)}"
    story: list[Flowable] = [
        Paragraph(escape(POLICE_FORCES[claim.policy.region]), styles["Normal"]),
        Paragraph("Incident Report", styles["Title"]),
        Paragraph(f"Crime reference number: {reference}", styles["Normal"]),
        Paragraph(f"Type of incident: {nature}", styles["Normal"]),
        Paragraph(f"Date of incident: {escape(claim.fmt(claim.incident))}", styles["Normal"]),
        Paragraph(f"Reported to police on {escape(claim.fmt(claim.reported))}", styles["Normal"]),
        Paragraph(f"Reporting person: {escape(holder.name)}", styles["Normal"]),
        Paragraph(f"Address: {escape(holder.street)}, {escape(holder.city)}", styles["Normal"]),
        Paragraph(f"Phone: {escape(holder.phone)}", styles["Normal"]),
        Spacer(1, 8),
        Paragraph(f"Officer in charge: {escape(officer)}", styles["Normal"]),
    ]
    return render_story(story, title="Police report")
