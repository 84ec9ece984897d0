"""The fuzz targets: one parser of untrusted input each, with the invariant it must hold.

A target's `check(data)` returns normally for every input the parser handles as documented:
a result, or the error type the project documents for bad input (`DocumentError`,
`DecodeError`, a dead letter). Anything else it raises is a finding. Hangs and memory blow-ups
are libFuzzer's to catch (`-timeout`, `-rss_limit_mb`).

Imports of the product happen in `load()`, inside atheris's instrumentation, so libFuzzer sees
the coverage of ClaimFlow's own code (not of numpy or Pillow).
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGIONS = ("EU", "US", "APAC")


@dataclass(frozen=True)
class Target:
    """A parser to fuzz: its name, what it reads, its seed kind and its largest input."""

    name: str
    about: str
    seeds: str  # "pdf", "image", "text", "avro" or "agent" (see agents.tools.fuzz.seeds)
    max_len: int
    load: Callable[[], Callable[[bytes], None]]


def _text_and_region(data: bytes) -> tuple[str, str]:
    """The first byte picks a region (or an unknown one), the rest is UTF-8 with errors replaced."""
    region = (*REGIONS, "XX")[data[0] % 4] if data else "EU"
    return data[1:].decode("utf-8", "replace"), region


def _documents() -> Callable[[bytes], None]:
    from agents.documents import DocumentError, DocumentText, read_document
    from agents.tools.fuzz.harness import ContractOcr

    ocr = ContractOcr()

    def check(data: bytes) -> None:
        try:
            document = read_document(data, filename="upload", max_pages=8, max_pixels=4_000_000, ocr=ocr)
        except DocumentError:
            return
        if not isinstance(document, DocumentText) or not document.page_texts:
            raise AssertionError("read_document returned no pages without raising")

    return check


def _amounts() -> Callable[[bytes], None]:
    from agents.extraction import parse_amount as parse_printed_amount
    from agents.extraction.amounts import find_amounts, parse_amount

    def check(data: bytes) -> None:
        text, _ = _text_and_region(data)
        last = 0
        for mention in find_amounts(text):
            if text[mention.start : mention.end] != mention.text or mention.start < last or mention.value < 0:
                raise AssertionError(f"inconsistent mention {mention!r}")
            last = mention.end
        parse_amount(text)
        parse_printed_amount(text)

    return check


def _dates() -> Callable[[bytes], None]:
    from agents.extraction.dates import find_dates, parse_date

    def check(data: bytes) -> None:
        text, region = _text_and_region(data)
        last = 0
        for mention in find_dates(text, region):
            if text[mention.start : mention.end] != mention.text or mention.start < last:
                raise AssertionError(f"inconsistent mention {mention!r}")
            last = mention.end
        parse_date(text, region)

    return check


def _policy_numbers() -> Callable[[bytes], None]:
    from agents.extraction.policy_numbers import candidates, match_key, strict_key

    def check(data: bytes) -> None:
        text, _ = _text_and_region(data)
        for candidate in candidates(text):
            if candidate.strict != strict_key(candidate.text) or candidate.key != match_key(candidate.text):
                raise AssertionError(f"inconsistent candidate {candidate!r}")

    return check


def _claim_fields() -> Callable[[bytes], None]:
    from agents.extraction import read_claim_fields

    def check(data: bytes) -> None:
        text, region = _text_and_region(data)
        read_claim_fields(text, [], region)

    return check


def _redaction() -> Callable[[bytes], None]:
    from agents.redaction import redact, warm

    warm()

    def check(data: bytes) -> None:
        text, region = _text_and_region(data[4:])
        keep = [(data[0], data[0] + data[1]), (data[2], data[3])] if len(data) >= 4 else []
        result = redact(text, region, keep=keep)
        cursor = 0
        for span in result.spans:
            if span.start < cursor or span.end > len(text):
                raise AssertionError(f"overlapping or out-of-range span {span!r}")
            cursor = span.end

    return check


def _avro() -> Callable[[bytes], None]:
    from streams.codec import load_codecs
    from streams.errors import DecodeError
    from streams.settings import Settings

    codecs = list(load_codecs(Settings().schemas_dir).values())

    def check(data: bytes) -> None:
        codec = codecs[data[0] % len(codecs)] if data else codecs[0]
        try:
            codec.decode(data[1:])
        except DecodeError:
            return

    return check


def _processor() -> Callable[[bytes], None]:
    """Bytes on the first topic of an agent, through the real processor: a dead letter or an event."""
    from agents.tools.fuzz.harness import DecodeHarness

    loop = asyncio.new_event_loop()
    harnesses = DecodeHarness.every_agent()

    def check(data: bytes) -> None:
        harness = harnesses[data[0] % len(harnesses)] if data else harnesses[0]
        loop.run_until_complete(harness.deliver(data[1:]))

    return check


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("pdf", "agents/documents read_document on PDF bytes", "pdf", 262_144, _documents),
        Target(
            "image", "agents/documents read_document on PNG, JPEG and TIFF bytes", "image", 65_536, _documents
        ),
        Target("avro", "streams/codec AvroCodec.decode, every schema", "avro", 16_384, _avro),
        Target(
            "processor",
            "streams/processing decode -> dead letter, every agent's input",
            "agent",
            16_384,
            _processor,
        ),
        Target("amounts", "agents/extraction amounts (find_amounts, parse_amount)", "text", 4096, _amounts),
        Target("dates", "agents/extraction dates (find_dates, parse_date)", "text", 4096, _dates),
        Target(
            "policy_numbers", "agents/extraction policy_numbers (candidates)", "text", 4096, _policy_numbers
        ),
        Target(
            "fields",
            "agents/extraction read_claim_fields (rules + layout merge)",
            "text",
            4096,
            _claim_fields,
        ),
        Target("redaction", "agents/redaction redact", "text", 4096, _redaction),
    )
}


def pack_avro(schema_index: int, value: bytes) -> bytes:
    """A seed for the avro targets: which schema (first byte), then the record's bytes."""
    return struct.pack("B", schema_index) + value


def instrumented(target: Target, include: Sequence[str] = ("agents", "streams")) -> Callable[[bytes], None]:
    """`target.load()` with ClaimFlow's modules instrumented for coverage as they are imported."""
    import atheris

    # atheris's RegEx hook is left off: it fails on the bytes patterns some libraries compile.
    with atheris.instrument_imports(include=list(include)):
        return target.load()


def corpus_files(folder: Path) -> list[Path]:
    """The inputs in a corpus folder."""
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def replay(target: Target, files: Sequence[Path]) -> dict[str, Any]:
    """Run `target` over saved inputs (a crash artifact, a corpus) without libFuzzer; the first failure."""
    check = target.load()
    for path in files:
        try:
            check(path.read_bytes())
        except Exception as exc:
            return {"file": str(path), "error": f"{type(exc).__name__}: {exc}"}
    return {}
