"""Insurers' claim forms in four layouts: inline, boxes, columns and table.

A form's labels come from the insurer's house wording (fixed per insurer, language, layout
and revision); the values are the claimant's. The type of loss is a ticked box, a field, or
only told in the description. Policy data, the excess, the sum insured, purchase dates and
the form revision add dates and amounts that are not the claim's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from . import lexicon, prose
from .layout import Doc
from .parts import form_footer, insurer_header, insurer_style, revision_text
from .view import View

HOME_ROW = ("water", "fire", "storm", "theft", "glass", "other")
MOTOR_ROW = ("collision", "glass", "theft", "fire", "storm", "other")


def _emit(doc: Doc, layout: str, fields: list[tuple[str, str]]) -> None:
    if layout == "boxes":
        doc.boxes(fields, 2)
    elif layout == "columns":
        doc.boxes(fields, 3)
    else:
        width = max(doc.width_of(label + ": ", font=doc.font("bold")) for label, _ in fields) + 6
        for label, value in fields:
            doc.kv(label, value, label_width=min(width, doc.text_width * 0.45))


def _heading(doc: Doc, text: str) -> None:
    doc.gap(doc.style.size * 0.6)
    doc.need(doc.style.size * 3)
    doc.paragraph(text, font=doc.font("bold"), size=doc.style.size * 1.08, after=0.1)
    doc.line(doc.left, doc.y + 2, doc.right, doc.y + 2, width=0.5, color=doc.style.accent)
    doc.gap(doc.style.size * 0.3)


def _yes_no(doc: Doc, question: str, answer: bool, lang: str, region: str, style: str) -> None:
    size = doc.style.size
    doc.gap(size * 0.3)
    doc.need(size * 1.7)
    doc.text(doc.left, doc.y + size * 1.1, question)
    x = max(doc.left + doc.width_of(question) + 12, doc.right - size * 9)
    for caption, checked in (
        (lexicon.first(lang, "yes", region), answer),
        (lexicon.first(lang, "no", region), not answer),
    ):
        x += doc.checkbox(x, doc.y + size * 0.25, checked, style, size)
        doc.text(x, doc.y + size * 1.1, caption)
        x += doc.width_of(caption) + size * 1.5
    doc.gap(size * 1.7)


def _damage_row(v: View, lang: str, house: random.Random) -> list[tuple[str, bool]]:
    f = v.facts
    asset = f.product.asset
    row = list(MOTOR_ROW if asset == "motor" else HOME_ROW)
    if f.damage not in row or (asset == "home" and house.random() < 0.3):
        row.insert(len(row) - 1, f.damage if f.damage not in row else "collision")
    seen: set[str] = set()
    options = []
    for damage in row:
        choices = [t for t in lexicon.terms(lang, damage, asset, f.region) if t not in seen]
        caption = choices[house.randrange(len(choices))]
        seen.add(caption)
        options.append((caption, damage == f.damage))
    return options


def claim_form(
    v: View, lang: str, layout: str, shown_by: str, *, amount_in_letter: bool, two_page: bool, dated: bool
) -> Doc:
    """The insurer's claim form, filled in by the claimant."""
    f, rng, region = v.facts, v.rng, v.facts.region
    ins, asset = f.insurer, f.product.asset
    house = random.Random(f"{ins.key}/{lang}/{layout}/{rng.randrange(2)}")

    def lab(field: str) -> str:
        return lexicon.label(lang, field, house, region)

    style = insurer_style(ins, rng)
    title = lexicon.word(lang, f"form_title_{asset}", house, region)
    doc = Doc(
        style,
        header=insurer_header(ins, title),
        footer=form_footer(ins, lang, region, revision_text(ins, house)),
        top_extra=style.size * 3.4,
        bottom_extra=style.size * 1.2,
        overlay=rng.random() < 0.5,
    )
    box_style = house.choice(ins.checkbox_styles)

    holder = [
        (lab("policy_number"), v.number()),
        (lab("holder_name"), f.holder.name),
        (lab("address"), f"{f.holder.street}, {f.holder.city_line}"),
        (lab("phone"), f.holder.phone),
    ]
    if house.random() < 0.6:
        holder.append((lab("birth_date"), v.date(f.holder.birth_date, lang)))
    if house.random() < 0.4:
        holder.append((lab("email"), f.holder.email))
    start, end = f.period
    policy = [(lab("product"), f.product.name)]
    period_style = v.style_for(lang)
    first, last = v.date(start, lang, period_style), v.date(end, lang, period_style)
    if house.random() < 0.5:
        policy += [(lab("period_start"), first), (lab("period_end"), last)]
    else:
        policy.append((lab("period"), f"{first} - {last}"))
    if house.random() < 0.25:
        policy.append((lab("renewal"), v.date(end + dt.timedelta(days=1), lang, period_style)))
    if house.random() < 0.6:
        policy.append((lab("sum_insured"), v.money(f.limit, lang)))
    if house.random() < 0.7:
        policy.append((lab("excess"), v.money(f.excess, lang)))
    if f.vehicle:
        policy.append((lab("vehicle_reg"), f"{f.vehicle.plate} ({f.vehicle.model})"))

    _heading(doc, lexicon.word(lang, "sec_holder", house, region))
    _emit(doc, layout, holder)
    _heading(doc, lexicon.word(lang, "sec_policy", house, region))
    _emit(doc, layout, policy)
    if two_page:
        doc.new_page()

    _heading(doc, lexicon.word(lang, "sec_loss", house, region))
    incident = v.key_date(f.incident, lang)
    loss = [
        (lab("incident_date"), incident),
        (lab("incident_time"), f"{rng.randrange(6, 23)}:{rng.choice(('00', '15', '30', '45'))}"),
        (lab("incident_place"), f.extras["place"]),
    ]
    if shown_by == "field":
        loss.append((lab("damage_type"), lexicon.term(lang, f.damage, asset, rng, region)))
    amount = lexicon.first(lang, "see_letter", region) if amount_in_letter else v.amount(lang)
    if layout == "table":
        doc.table(
            [label for label, _ in loss] + [lab("claimed_amount")],
            [[value for _, value in loss] + [amount]],
            [1 / (len(loss) + 1)] * (len(loss) + 1),
        )
        doc.gap(style.size * 0.5)
    else:
        _emit(doc, layout, loss)
    if shown_by == "checkbox":
        doc.gap(style.size * 0.4)
        doc.paragraph(
            lexicon.word(lang, "tick", house, region), size=style.size * 0.9, font=doc.font("italic")
        )
        doc.checkbox_row(_damage_row(v, lang, house), box_style)
    fill = _fill(v, lang, incident)
    description = lab("description")
    doc.paragraph(
        description if description.endswith("?") else description + ":",
        font=doc.font("bold" if style.bold_labels else "regular"),
        after=0.1,
    )
    doc.paragraph(
        prose.account(lang, region, f.damage, asset, rng, fill, distractor=rng.random() < 0.4),
        font=doc.font(value=True),
        x=doc.left + 6,
    )
    police = f.damage in ("theft", "collision") or (f.damage == "other" and rng.random() < 0.3)
    _yes_no(doc, lexicon.first(lang, "q_police", region), police, lang, region, box_style)
    if police:
        doc.kv(
            lab("police_ref"),
            f"{rng.randrange(100, 999)}/{rng.randrange(10000, 99999)}/{f.incident.year % 100}",
        )

    _heading(doc, lexicon.word(lang, "sec_claim", house, region))
    claim_fields = [] if layout == "table" else [(lab("claimed_amount"), amount)]
    if asset == "home" and rng.random() < 0.35:
        item = prose.item(lang, rng)
        bought = v.between(f.incident - dt.timedelta(days=6 * 365), f.incident - dt.timedelta(days=200))
        claim_fields += [
            (lab("new_value"), f"{item}: {v.money(rng.randrange(300, 3000, 10), lang)}"),
            (lab("purchase_date"), v.date(bought, lang)),
        ]
    if rng.random() < 0.3:
        claim_fields.append(
            (
                lab("previous_claim"),
                f"{f.incident.year - rng.randint(2, 5)}: {v.money(rng.randrange(200, 4000, 10), lang)}",
            )
        )
    if rng.random() < 0.5:
        claim_fields.append((lab("iban"), f.holder.bank))
    if claim_fields:
        _emit(doc, layout if layout != "table" else "inline", claim_fields)
    for key, answer in (("q_other_ins", False), ("q_vat", False), ("q_repairs", rng.random() < 0.3)):
        if rng.random() < 0.6:
            _yes_no(doc, lexicon.first(lang, key, region), answer, lang, region, box_style)

    _heading(doc, lexicon.word(lang, "sec_declaration", house, region))
    doc.paragraph(lexicon.first(lang, "declaration", region), size=style.size * 0.85)
    _signature_block(doc, v, lang, lab, dated)
    if house.random() < 0.5:
        doc.gap(style.size)
        doc.need(style.size * 4)
        doc.rect(doc.left, doc.y, doc.text_width, style.size * 3, stroke=0.4, color=(0.5, 0.5, 0.5))
        doc.text(
            doc.left + 4,
            doc.y + style.size * 1.1,
            lexicon.first(lang, "office_use", region),
            size=style.size * 0.75,
            color=(0.4, 0.4, 0.4),
        )
        doc.text(doc.left + 4, doc.y + style.size * 2.3, f"{lab('claim_ref')}:", size=style.size * 0.75)
        doc.gap(style.size * 3)
    return doc


def _fill(v: View, lang: str, date_text: str) -> dict[str, str]:
    f = v.facts
    return prose.fill_for(lang, date_text, f.incident, None, f.extras["place"], f.vehicle)


def _signature_block(doc: Doc, v: View, lang: str, lab: Callable[[str], str], dated: bool) -> None:
    f, size = v.facts, doc.style.size
    doc.need(size * 5)
    doc.gap(size * 2.2)
    date_value = v.key_date(f.report_date, lang) if dated else ""
    third = doc.text_width / 3
    columns = ((lab("place"), f.holder.city), (lab("report_date"), date_value), (lab("signature"), ""))
    for i, (label, value) in enumerate(columns):
        x = doc.left + i * third
        doc.line(x, doc.y, x + third - 10, doc.y, width=0.5)
        doc.text(x, doc.y + size * 1.05, label, size=size * 0.75, color=(0.3, 0.3, 0.3))
        if value:
            doc.layer = 1 if doc.overlay else 0
            doc.text(x + 2, doc.y - 3, value, font=doc.font(value=True))
            doc.layer = 0
    doc.signature(doc.left + 2 * third + 6, doc.y - 2, third - 30, v.rng)
    doc.gap(size * 1.6)
