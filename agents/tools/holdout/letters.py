"""Claimants' letters and e-mail printouts.

Letters have a sender block, the insurer's address, a place-and-date line (left out when the
claimant did not date the letter), a subject quoting the policy number and prose in which the
incident date and the amount sit inside sentences. E-mails are printed with their From /
Sent / To / Subject block; the Sent date is the claimant's date of the claim.
"""

from __future__ import annotations

import datetime as dt

from . import lexicon, prose
from .layout import Doc
from .parts import letterhead, page_number_footer, private_style
from .view import View

PLACE_DATE = {
    "de": "{place}, {date}",
    "fr": "{place}, {date}",
    "es": "{place}, {date}",
    "en": "{place}, {date}",
}


def _body(
    v: View, lang: str, *, include_amount: bool, enclosures: bool, split_amount: bool, estimate: bool
) -> list[str]:
    """The paragraphs of a letter or e-mail after the salutation."""
    f, rng, region = v.facts, v.rng, v.facts.region
    date_text = v.key_date(f.incident, lang, prose=True)
    relative_to = f.report_date if f.claimant_dated and rng.random() < 0.5 else None
    fill = prose.fill_for(lang, date_text, f.incident, relative_to, f.extras["place"], f.vehicle)
    intro = prose.phrase(lang, "intro", rng, region, policy=v.number(one_line=True, in_sentence=True))
    paragraphs = [
        intro if lang == "de" else intro[0].upper() + intro[1:],
        prose.account(lang, region, f.damage, f.product.asset, rng, fill, distractor=rng.random() < 0.45),
    ]
    money: list[str] = []
    if include_amount:
        key = "split_amount" if split_amount else "amount"
        if estimate and not split_amount and rng.random() < 0.5:
            key = "amount_estimate"
        money.append(prose.phrase(lang, key, rng, region, amount=v.amount(lang, prose=True)))
    if rng.random() < 0.4:
        money.append(prose.phrase(lang, "excess", rng, region, money=v.money(f.excess, lang)))
    if f.product.asset == "home" and rng.random() < 0.3:
        bought = v.between(
            f.incident.replace(day=1) - dt.timedelta(days=2000), f.incident - dt.timedelta(days=120)
        )
        money.append(
            prose.phrase(
                lang,
                "new_value",
                rng,
                region,
                item=prose.item(lang, rng),
                date=v.date(bought, lang),
                money=v.money(rng.randrange(250, 2500, 10), lang),
            )
        )
    if rng.random() < 0.2:
        money.append(
            prose.phrase(
                lang,
                "previous",
                rng,
                region,
                year=str(f.incident.year - rng.randint(2, 6)),
                money=v.money(rng.randrange(200, 3000, 10), lang),
            )
        )
    if estimate and rng.random() < 0.3 and f.report_date > f.incident:
        money.append(
            prose.phrase(lang, "visit", rng, region, date=v.date(v.between(f.incident, f.report_date), lang))
        )
    rng.shuffle(money)
    if money:
        paragraphs.append(" ".join(money))
    tail = []
    if enclosures:
        tail.append(prose.phrase(lang, "enclose", rng, region))
    if rng.random() < 0.45:
        tail.append(prose.phrase(lang, "bank", rng, region, iban=f.holder.bank))
    if tail:
        paragraphs.append(" ".join(tail))
    return paragraphs


def _damage_line(v: View, lang: str) -> str:
    f = v.facts
    label = lexicon.label(lang, "damage_type", v.rng, f.region)
    return f"{label}: {lexicon.term(lang, f.damage, f.product.asset, v.rng, f.region)}"


def letter(
    v: View,
    lang: str,
    *,
    dated: bool,
    shown_by: str,
    include_amount: bool,
    enclosures: list[str],
    split_amount: bool = False,
    estimate: bool = False,
) -> Doc:
    """A claimant's letter to the insurer."""
    f, rng, region = v.facts, v.rng, v.facts.region
    style = private_style(region, rng)
    doc = Doc(style, footer=page_number_footer(lang, region, plain=rng.random() < 0.5))
    sender = [f.holder.name, f.holder.street, f.holder.city_line]
    if rng.random() < 0.7:
        sender.append(f.holder.phone)
    if rng.random() < 0.4:
        sender.append(f.holder.email)
    letterhead(doc, sender, align="right" if rng.random() < 0.35 else "left")
    doc.gap(style.size * 0.8)
    for line in f.insurer.address:
        doc.paragraph(line, after=0.0, leading=1.2)
    doc.gap(style.size * 1.4)
    if dated:
        date_text = (
            v.key_date(f.report_date, lang, prose=True)
            if rng.random() < 0.6
            else v.date(f.report_date, lang, "le_long" if lang == "fr" else "long")
        )
        place = f.holder.city
        line = (
            date_text
            if region == "US" and rng.random() < 0.7
            else PLACE_DATE[lang].format(place=place, date=date_text)
        )
        doc.y += style.size * 1.3
        doc.text(doc.right, doc.y, line, align="right")
        doc.gap(style.size * 1.2)
    subject = lexicon.word(lang, "subject", rng, region).format(
        policy=v.number(one_line=True, in_sentence=True)
    )
    doc.paragraph(subject, font=doc.font("bold"))
    if shown_by == "field":
        doc.paragraph(_damage_line(v, lang), font=doc.font("bold"))
    doc.gap(style.size * 0.6)
    doc.paragraph(lexicon.word(lang, "salutation", rng, region))
    for paragraph in _body(
        v,
        lang,
        include_amount=include_amount,
        enclosures=bool(enclosures),
        split_amount=split_amount,
        estimate=estimate,
    ):
        doc.paragraph(paragraph, after=0.8)
    doc.paragraph(lexicon.word(lang, "closing", rng, region), after=0.2)
    doc.need(style.size * 5)
    doc.gap(style.size * 2.6)
    doc.signature(doc.left, doc.y, style.size * 11, rng)
    doc.paragraph(f.holder.name)
    if enclosures:
        doc.gap(style.size * 0.8)
        doc.paragraph(
            f"{lexicon.first(lang, 'enclosures', region)}: " + ", ".join(enclosures), size=style.size * 0.9
        )
    return doc


def email(
    v: View,
    lang: str,
    *,
    shown_by: str,
    enclosures: list[str],
    sent_time: str,
    split_amount: bool,
    estimate: bool,
) -> Doc:
    """An e-mail from the claimant, printed from a mail program."""
    f, rng, region = v.facts, v.rng, v.facts.region
    style = private_style(region, rng, sizes=(9.5, 11))
    style.font = rng.choice(("helvetica", "vera", "times"))
    doc = Doc(style, footer=page_number_footer(lang, region, plain=True))
    doc.paragraph(f.holder.name, font=doc.font("bold"), size=style.size * 1.3, after=0.2)
    doc.line(doc.left, doc.y + 2, doc.right, doc.y + 2, width=1.2)
    doc.gap(style.size * 0.8)
    sent = v.date(f.report_date, lang, "weekday_long" if rng.random() < 0.5 else v.date_style)
    subject = lexicon.word(lang, "subject", rng, region).format(
        policy=v.number(one_line=True, in_sentence=True)
    )
    for prefix in ("Objet : ", "Asunto: ", "Betreff: "):
        subject = subject.removeprefix(prefix)
    header = [
        (lexicon.first(lang, "mail_from", region), f"{f.holder.name} <{f.holder.email}>"),
        (lexicon.first(lang, "mail_sent", region), f"{sent} {sent_time}"),
        (lexicon.first(lang, "mail_to", region), f.insurer.claims_email),
    ]
    if rng.random() < 0.3:
        header.append((lexicon.first(lang, "mail_cc", region), f.extras["broker_email"]))
    header.append((lexicon.first(lang, "mail_subject", region), subject))
    if enclosures:
        header.append((lexicon.first(lang, "mail_attach", region), "; ".join(f"{e}.pdf" for e in enclosures)))
    width = max(doc.width_of(k + " ", font=doc.font("bold")) for k, _ in header) + 6
    for key, value in header:
        doc.kv(key, value, label_width=width, sep="")
    doc.gap(style.size * 1.2)
    doc.paragraph(prose.phrase(lang, "mail_intro", rng, region))
    if shown_by == "field":
        doc.paragraph(_damage_line(v, lang))
    for paragraph in _body(
        v,
        lang,
        include_amount=True,
        enclosures=bool(enclosures),
        split_amount=split_amount,
        estimate=estimate,
    ):
        doc.paragraph(paragraph, after=0.8)
    doc.paragraph(lexicon.word(lang, "closing", rng, region).split(" Atentamente")[0], after=0.2)
    doc.paragraph(f.holder.name, after=0.1)
    doc.paragraph(f.holder.phone, size=style.size * 0.85)
    return doc
