"""What a claim's bundle looks like: which documents, in which order, in which languages.

One to four documents: an optional broker cover sheet first, the claimant's form, letter or
e-mail (a form sometimes with a covering letter that alone states the amount), then estimates,
invoices, police reports or photo sheets. Each is rendered born-digital; the claim's delivery
kind then turns every page into a scan or a photo. Runs in worker processes: it only needs
the claim's facts and its own seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from . import attachments, banks, degrade, forms, letters
from .facts import ClaimFacts
from .layout import Doc
from .view import View

COUNTRY_LANG = {"DE": "de", "FR": "fr", "ES": "es"}


@dataclass(frozen=True)
class Bundle:
    """A claim's files (relative path, bytes) in the order received, and its slicing tags."""

    files: list[tuple[str, bytes]]
    tags: dict[str, object]


def _main_language(f: ClaimFacts, main: str, rng: random.Random) -> str:
    if main != "form":
        return f.holder.language
    if f.region == "US" and f.holder.language == "es" and rng.random() < 0.6:
        return "es"
    return f.insurer.language


def _plan(f: ClaimFacts, rng: random.Random) -> tuple[str, list[str], bool, bool]:
    """Main kind, attachments, a covering letter with a form, and whether only that letter has the amount."""
    kinds, weights = ["form", "letter", "email"], [0.5, 0.3, 0.2]
    if not f.claimant_dated:
        kinds, weights = kinds[:2], weights[:2]
    main = rng.choices(kinds, weights=weights)[0]
    extra: list[str] = []
    if rng.random() < 0.55:
        extra.append("invoice" if rng.random() < 0.3 else "estimate")
    if f.damage in ("theft", "collision") and rng.random() < 0.6:
        extra.append("police")
    if rng.random() < 0.25:
        extra.append("photos")
    companion = main == "form" and rng.random() < 0.15
    room = 4 - 1 - (f.cover_date is not None) - companion
    return main, extra[:room], companion, companion and rng.random() < 0.5


def compose(f: ClaimFacts, bank: str = banks.DEFAULT_BANK) -> Bundle:
    """Render the claim's documents from wording ``bank`` and deliver them as the claim's kind requires."""
    with banks.using(bank):
        return _compose(f)


def _compose(f: ClaimFacts) -> Bundle:
    rng = random.Random(f.render_seed)
    names_of = banks.active().attach.ENCLOSURE_NAMES
    main, extra, companion, amount_in_letter = _plan(f, rng)
    lang = _main_language(f, main, rng)
    v = View(f, rng, lang, prose_main=main != "form")
    if main == "form":
        shown_by = rng.choices(("checkbox", "field", "prose"), weights=(0.45, 0.35, 0.2))[0]
    else:
        shown_by = "field" if rng.random() < 0.3 else "prose"
    third_lang = COUNTRY_LANG.get(f.insurer.country, "en")
    partial = "estimate" in extra or "invoice" in extra
    estimate_total = (
        f.amount
        if rng.random() < 0.6
        else (f.amount * Decimal(rng.uniform(0.4, 0.9))).quantize(Decimal("0.01"))
    )
    split = partial and estimate_total != f.amount
    docs: list[tuple[str, str, Doc]] = []
    letter_lang = f.holder.language
    encl_main = [names_of[lang][k] for k in extra]
    layout = main
    if main == "form":
        layout = rng.choice(f.insurer.templates)
        docs.append(
            (
                "form",
                lang,
                forms.claim_form(
                    v,
                    lang,
                    layout,
                    shown_by,
                    amount_in_letter=amount_in_letter,
                    two_page=rng.random() < 0.35,
                    dated=f.claimant_dated,
                ),
            )
        )
        if companion:
            encl = [names_of[letter_lang][k] for k in ("form", *extra)]
            docs.append(
                (
                    "letter",
                    letter_lang,
                    letters.letter(
                        v,
                        letter_lang,
                        dated=f.claimant_dated,
                        shown_by="prose",
                        include_amount=amount_in_letter,
                        enclosures=encl,
                        split_amount=split,
                        estimate=partial,
                    ),
                )
            )
    elif main == "letter":
        docs.append(
            (
                "letter",
                lang,
                letters.letter(
                    v,
                    lang,
                    dated=f.claimant_dated,
                    shown_by=shown_by,
                    include_amount=True,
                    enclosures=encl_main,
                    split_amount=split,
                    estimate=partial,
                ),
            )
        )
    else:
        sent = f"{rng.randrange(7, 22):02d}:{rng.randrange(60):02d}"
        docs.append(
            (
                "email",
                lang,
                letters.email(
                    v,
                    lang,
                    shown_by=shown_by,
                    enclosures=encl_main,
                    sent_time=sent,
                    split_amount=split,
                    estimate=partial,
                ),
            )
        )
    main_docs = len(docs)
    for kind in extra:
        if kind in ("estimate", "invoice"):
            doc = attachments.estimate(v, third_lang, total=estimate_total, invoice=kind == "invoice")
        elif kind == "police":
            doc = attachments.police_report(v, third_lang)
        else:
            doc = attachments.photo_sheet(v, lang)
        docs.append((kind, third_lang if kind != "photos" else lang, doc))
    if extra and rng.random() < 0.1:
        docs.insert(main_docs, docs.pop(0))
    rendered = [(kind, doc_lang, doc.render(), doc.page_count) for kind, doc_lang, doc in docs]
    if f.cover_date is not None:
        cover_lang = f.extras["broker_lang"]
        names = [names_of[cover_lang][kind] for kind, _, _, _ in rendered]
        pages = 1 + sum(count for *_, count in rendered)
        cover = attachments.cover_sheet(v, cover_lang, names, pages)
        rendered.insert(0, ("cover", cover_lang, cover.render(), cover.page_count))
    files = _deliver(f, rendered, rng)
    tags: dict[str, object] = {
        "kind": f.kind,
        "insurer": f.insurer.key,
        "language": lang,
        "template": f"{main}-{layout}" if main == "form" else main,
        "layout": layout,
        "pages": sum(r[3] for r in rendered),
        "documents": len(rendered),
        "date_style": v.date_style,
        "amount_style": v.used_amount_style or v.amount_style,
        "damage_shown_by": shown_by,
        "has_cover_sheet": f.cover_date is not None,
        "invalid_reason": f.reason,
        "number_variant": v.number_variant,
        "doc_kinds": [r[0] for r in rendered],
        "languages": sorted({r[1] for r in rendered}),
        "amount_in_covering_letter": amount_in_letter,
    }
    return Bundle(files, tags)


def _deliver(
    f: ClaimFacts, rendered: list[tuple[str, str, bytes, int]], rng: random.Random
) -> list[tuple[str, bytes]]:
    """File names and bytes: PDFs as rendered or scanned, or one photo per page."""
    folder = f"documents/{f.claim_id}"
    files: list[tuple[str, bytes]] = []
    for n, (kind, _, pdf, _) in enumerate(rendered, start=1):
        stem = f"{folder}/{n:02d}-{kind}"
        if f.kind == "digital":
            files.append((f"{stem}.pdf", pdf))
        elif f.kind == "scanned":
            files.append((f"{stem}.pdf", degrade.scan_pdf(pdf, rng)))
        else:
            for page, (ext, data) in enumerate(degrade.photos(pdf, rng), start=1):
                files.append((f"{stem}-p{page}.{ext}", data))
    return files
