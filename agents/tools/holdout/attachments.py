"""Third-party documents: repair estimates and invoices, police reports, photo sheets, cover sheets.

They carry the dates and amounts that are not the claim's (invoice and visit dates, VAT or GST,
subtotals, hourly rates, the broker's own date); an estimate's total may equal the claimed
amount, with its tax breakdown computed to the cent.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from . import amounts, banks, lexicon, prose
from .attach_words import VAT_RATES
from .layout import Doc
from .parts import letterhead, page_number_footer, private_style
from .people import bank_details
from .view import View

CENT = Decimal("0.01")


def split_total(total: Decimal, rate: float, rng: random.Random) -> tuple[Decimal, Decimal]:
    """Net and tax that add up to ``total`` exactly, with tax = net x rate rounded to the cent."""
    if not rate:
        return total, Decimal(0)
    r = Decimal(str(rate)) / 100
    first = (total / (1 + r)).quantize(CENT)
    for delta in (0, 1, -1, 2, -2, 3, -3):
        net = first + delta * CENT
        if net + (net * r).quantize(CENT, ROUND_HALF_UP) == total:
            return net, total - net
    return first, total - first


def line_items(
    net: Decimal, lang: str, damage: str, currency: str, rng: random.Random
) -> list[tuple[str, str, Decimal, Decimal]]:
    """Description, quantity, unit price and amount per line; the amounts sum to ``net``."""
    names = list(banks.active().attach.LINE_ITEMS[lang][damage])
    rng.shuffle(names)
    lines: list[tuple[str, str, Decimal, Decimal]] = []
    scale = 8 if currency == "HKD" else 1
    rate = Decimal(rng.choice((45, 55, 62, 68, 75, 85, 95)) * scale)
    hours = Decimal(rng.choice(("1.5", "2", "2.5", "3", "4", "6")))
    if rate * hours < net * Decimal("0.6"):
        word = lexicon.first(lang, "labour", "EU").format(hours=hours, rate=amounts.number_only(rate, lang))
        lines.append((word, str(hours), rate, (rate * hours).quantize(CENT)))
    rest = net - sum((line[3] for line in lines), Decimal(0))
    parts = 1 if rest < 60 else rng.randint(1, 3)
    weights = [rng.uniform(1, 3) for _ in range(parts)]
    for i in range(parts):
        amount = (
            (rest * Decimal(weights[i] / sum(weights))).quantize(CENT)
            if i < parts - 1
            else (net - sum((line[3] for line in lines), Decimal(0)))
        )
        lines.append((names[i % len(names)], "1", amount, amount))
    return lines


def estimate(v: View, lang: str, *, total: Decimal, invoice: bool) -> Doc:
    """A repairer's estimate or invoice whose total is ``total`` in the claim's currency."""
    f, rng, region = v.facts, v.rng, v.facts.region
    style = private_style(region, rng, sizes=(8.5, 10.5))
    doc = Doc(style, footer=page_number_footer(lang, region, plain=True))
    words = banks.active().attach
    firm = f"{f.extras['repairer']} {words.TRADES[lang][f.damage]}"
    letterhead(
        doc,
        [firm, f.extras["repairer_street"], f.extras["repairer_town"], f.extras["repairer_phone"]],
        align=rng.choice(("left", "right")),
    )
    tax_kind, rate = VAT_RATES[f.insurer.country]
    if f.insurer.country == "US" and rng.random() < 0.4:
        rate = 7.0
    net, tax = split_total(total, rate, rng)
    issued = v.between(f.incident, f.report_date)
    title = lexicon.word(lang, "invoice" if invoice else "estimate", rng, region)
    doc.paragraph(title, font=doc.font("bold"), size=style.size * 1.6, after=0.3)
    number_label = lexicon.first(lang, "inv_no" if invoice else "est_no", region)
    doc.kv(number_label, f"{rng.choice(('', 'R', 'KV-', 'F'))}{issued.year}-{rng.randrange(100, 9999):04d}")
    doc.kv(words.DATE_WORD[lang], v.date(issued, lang))
    doc.kv(
        lexicon.first(lang, "customer", region), f"{f.holder.name}, {f.holder.street}, {f.holder.city_line}"
    )
    if f.vehicle:
        doc.kv(lexicon.label(lang, "vehicle_reg", rng, region), f"{f.vehicle.plate} - {f.vehicle.model}")
    if rng.random() < 0.5:
        visit = v.between(f.incident, issued)
        doc.paragraph(lexicon.first(lang, "visit", region).format(date=v.date(visit, lang)))
    doc.gap(style.size * 0.6)
    rows = [
        [name, qty, amounts.number_only(unit, lang), amounts.number_only(amount, lang)]
        for name, qty, unit, amount in line_items(net, lang, f.damage, f.currency, rng)
    ]
    headers = [lexicon.first(lang, k, region) for k in ("item", "qty", "unit", "line_amount")]
    headers[-1] += f" ({f.currency})"
    doc.table(headers, rows, [0.52, 0.1, 0.19, 0.19], align=["left", "right", "right", "right"])
    doc.gap(style.size * 0.5)
    style_total = amounts.pick_style(rng, total + CENT / 2, f.currency, f.policy_currency, lang, region)
    sums = [
        (lexicon.first(lang, "subtotal", region), amounts.format_amount(net, f.currency, style_total, lang))
    ]
    if tax:
        sums.append(
            (
                lexicon.first(lang, tax_kind, region).format(rate=f"{rate:g}"),
                amounts.format_amount(tax, f.currency, style_total, lang),
            )
        )
    sums.append(
        (lexicon.first(lang, "total", region), amounts.format_amount(total, f.currency, style_total, lang))
    )
    for i, (label, value) in enumerate(sums):
        doc.y += style.size * 1.5
        font = doc.font("bold") if i == len(sums) - 1 else doc.font()
        doc.text(doc.right - doc.text_width * 0.22, doc.y, label, font=font, align="right")
        doc.text(doc.right, doc.y, value, font=font, align="right")
    doc.gap(style.size * 1.5)
    doc.paragraph(lexicon.word(lang, "terms", rng, region), size=style.size * 0.9)
    if not invoice:
        doc.paragraph(lexicon.first(lang, "valid", region), size=style.size * 0.9)
    doc.paragraph(
        f"{lexicon.first(lang, 'bank', region)}: {f.extras['repairer']} - "
        f"{bank_details(f.insurer.country, rng)}",
        size=style.size * 0.85,
    )
    return doc


def police_report(v: View, lang: str) -> Doc:
    """A copy of a police report (theft or collision)."""
    f, rng, region = v.facts, v.rng, v.facts.region
    style = private_style(region, rng, sizes=(9, 10.5))
    style.font = rng.choice(("courier", "helvetica"))
    doc = Doc(style, footer=page_number_footer(lang, region))
    words = banks.active().attach
    authority = words.AUTHORITIES[f.insurer.country].format(city=f.insurer.city, n=rng.randrange(1, 40))
    doc.paragraph(authority, font=doc.font("bold"), size=style.size * 1.2, after=0.2)
    doc.paragraph(
        lexicon.word(lang, "police_title", rng, region), font=doc.font("bold"), size=style.size * 1.4
    )
    dated = min(f.report_date, v.between(f.incident, f.incident + (f.report_date - f.incident) // 3))
    fields = [
        (
            lexicon.first(lang, "police_no", region),
            f"{rng.randrange(1000, 9999)}/{f.incident.year}/{rng.randrange(10000, 99999)}",
        ),
        (lexicon.first(lang, "report_dated", region), v.date(dated, lang)),
        (lexicon.first(lang, "officer", region), f.extras["officer"]),
        (
            lexicon.first(lang, "offence", region),
            words.OFFENCES[lang].get(f.damage, words.OFFENCES[lang]["other"]),
        ),
        (lexicon.label(lang, "incident_date", rng, region), v.key_date(f.incident, lang)),
        (lexicon.label(lang, "incident_place", rng, region), f.extras["place"]),
        (lexicon.label(lang, "holder_name", rng, region), f"{f.holder.name}, {f.holder.street}"),
    ]
    if f.vehicle:
        other = f" / {f.extras['third_party']}" if f.damage == "collision" else ""
        fields.append((lexicon.first(lang, "plates", region), f"{f.vehicle.plate}{other}"))
    for label, value in fields:
        doc.kv(label, value, label_width=doc.text_width * 0.38)
    doc.gap(style.size)
    fill = prose.fill_for(lang, v.date(f.incident, lang), f.incident, None, f.extras["place"], f.vehicle)
    doc.paragraph(prose.account(lang, region, f.damage, f.product.asset, rng, fill, distractor=False))
    doc.gap(style.size * 2)
    doc.signature(doc.left, doc.y, style.size * 9, rng)
    doc.paragraph(f.extras["officer"], size=style.size * 0.9)
    return doc


def photo_sheet(v: View, lang: str) -> Doc:
    """A page of photographs (drawn placeholders) with captions and the dates they were taken."""
    f, rng, region = v.facts, v.rng, v.facts.region
    doc = Doc(private_style(region, rng), footer=page_number_footer(lang, region, plain=True))
    doc.paragraph(
        lexicon.word(lang, "photos_title", rng, region), font=doc.font("bold"), size=doc.style.size * 1.4
    )
    width = doc.text_width / 2 - 8
    height = width * 0.7
    count = rng.randint(2, 4)
    for n in range(count):
        x = doc.left + (n % 2) * (width + 16)
        if n % 2 == 0:
            doc.need(height + doc.style.size * 3)
            top = doc.y
        shade = rng.uniform(0.35, 0.75)
        doc.rect(x, top, width, height, fill=(shade, shade * rng.uniform(0.85, 1.1), shade * 0.9), stroke=0.5)
        for _ in range(3):
            s = rng.uniform(0.15, 0.9)
            doc.rect(
                x + rng.uniform(0, width * 0.6),
                top + rng.uniform(0, height * 0.5),
                rng.uniform(10, width * 0.4),
                rng.uniform(10, height * 0.45),
                fill=(s, s, s * 0.95),
                stroke=0,
            )
        caption = (
            f"{lexicon.first(lang, 'photo', region).format(n=n + 1)}: "
            f"{lexicon.term(lang, f.damage, f.product.asset, rng, region)} - "
            f"{lexicon.first(lang, 'taken', region)} {v.date(v.between(f.incident, f.report_date), lang)}"
        )
        for j, line in enumerate(doc.wrap(caption, width, doc.style.size * 0.85)):
            doc.text(x, top + height + doc.style.size * (1.3 + 1.1 * j), line, size=doc.style.size * 0.85)
        if n % 2 == 1 or n == count - 1:
            doc.y = top + height + doc.style.size * 4
    return doc


def cover_sheet(v: View, lang: str, enclosures: list[str], pages: int) -> Doc:
    """A broker's transmittal page, dated with the broker's own date."""
    f, rng, region = v.facts, v.rng, v.facts.region
    assert f.cover_date is not None
    style = private_style(region, rng, sizes=(9.5, 11.5))
    doc = Doc(style)
    words = banks.active().attach
    firm = f"{f.extras['broker_firm']} {rng.choice(words.BROKER_SUFFIX[lang])}"
    letterhead(
        doc,
        [
            firm,
            f.extras["broker_street"],
            f.extras["broker_town"],
            f"{f.extras['broker_phone']} - {f.extras['broker_email']}",
        ],
    )
    doc.line(doc.left, doc.y, doc.right, doc.y, width=1.5, color=style.accent)
    doc.gap(style.size * 1.5)
    doc.paragraph(
        lexicon.word(lang, "cover_title", rng, region), font=doc.font("bold"), size=style.size * 1.7
    )
    rows = [
        (lexicon.first(lang, "cover_to", region), f"{f.insurer.name} - {f.insurer.claims_email}"),
        (words.DATE_WORD[lang], v.date(f.cover_date, lang)),
        (
            lexicon.label(lang, "broker_ref", rng, region),
            f"{rng.choice(('BR', 'MK', 'CT', 'CR'))}-{f.cover_date.year}-{rng.randrange(100, 99999):05d}",
        ),
        (lexicon.first(lang, "cover_client", region), f.holder.name),
        (lexicon.label(lang, "policy_number", rng, region), v.number(v.variant(), one_line=True)),
        (lexicon.first(lang, "enclosures", region), "; ".join(enclosures)),
        (lexicon.first(lang, "cover_pages", region), str(pages)),
    ]
    if rng.random() < 0.6:
        rows.append(
            (lexicon.first(lang, "cover_note", region), lexicon.word(lang, "cover_notes", rng, region))
        )
    for label, value in rows:
        doc.kv(label, value, label_width=doc.text_width * 0.33)
        doc.gap(style.size * 0.4)
    doc.gap(style.size * 3)
    doc.signature(doc.left, doc.y, style.size * 10, rng)
    doc.paragraph(f.extras["broker_name"])
    return doc
