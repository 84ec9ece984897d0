"""A claim's multipart body, read as it streams: fields checked first, documents sniffed, hashed and staged.

Nothing is buffered whole: each document goes chunk by chunk into an `ObjectWriter` (digest and
size counted on the way), so the size limit holds at the first byte over it. The `region` field
must come before the documents, so a region the client or this deployment may not use is refused
before a single byte of a document is written anywhere. Any refusal aborts every staged document.
"""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from agents.documents.guard import DocumentLimits, check_decoded_size
from agents.documents.reader import DocumentTooLarge
from agents.events import DocumentRef
from agents.intake.api.errors import BadRequest, TooLarge, Unprocessable, UnsupportedMedia
from streams import ObjectTooLarge, ObjectWriter

DOCUMENTS_FIELD = "documents"
TEXT_FIELDS = ("region", "external_reference", "received_at")
MAX_FIELD_BYTES = 512
MAX_REFERENCE = 200
SNIFF_BYTES = 8
SPOOL_MEMORY_BYTES = 1024 * 1024
"""A document's copy for the bomb check stays in memory up to this size, then in a temporary file."""
GENERIC_TYPES = ("", "application/octet-stream")

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def sniff(head: bytes) -> str | None:
    """The media type the first bytes announce, if it is one the readers take (PDF, PNG, JPEG, TIFF)."""
    return next((media for magic, media in SIGNATURES if head.startswith(magic)), None)


def check_filename(name: str) -> str:
    """`name` if it is a plain file name; `BadRequest` for paths, traversal, control characters."""
    if not name or len(name) > 200:
        raise BadRequest("a document needs a file name of 1 to 200 characters")
    if any(c in name for c in "/\\") or name.startswith(".") or ".." in name:
        raise BadRequest(f"file name {name!r} is a path: send a plain file name")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise BadRequest("a file name must not contain control characters")
    return name


def boundary_of(content_type: str) -> bytes:
    """The multipart boundary; `UnsupportedMedia` for any other body, `BadRequest` without a boundary."""
    media, params = parse_options_header(content_type)
    if media != b"multipart/form-data":
        raise UnsupportedMedia("send the claim as multipart/form-data")
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise BadRequest("multipart/form-data without a valid boundary")
    return boundary


@dataclass
class Received:
    """What a claim's body held once it was read whole and every document staged."""

    fields: dict[str, str] = field(default_factory=dict)
    documents: list[tuple[ObjectWriter, str, str]] = field(default_factory=list)
    """(writer, file name, media type) of each staged document, in the order sent."""

    @property
    def region(self) -> str:
        return self.fields["region"]

    @property
    def received_at(self) -> datetime | None:
        text = self.fields.get("received_at")
        if not text:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise Unprocessable(f"received_at {text!r} is not an ISO 8601 date or time") from None

    async def commit(self) -> list[DocumentRef]:
        """Make every staged document visible; their references for claim.ingested."""
        refs = []
        for writer, _name, media in self.documents:
            stored = await writer.commit()
            refs.append(
                DocumentRef(
                    uri=stored.uri,
                    filename=stored.filename,
                    media_type=media,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                )
            )
        return refs

    async def abort(self) -> None:
        for writer, _name, _media in self.documents:
            await writer.abort()


OpenDocument = Callable[[str, str], Awaitable[ObjectWriter]]
"""(region, file name) → a writer for that document in the region's store."""


class _Part:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.name = ""
        self.filename: str | None = None
        self.declared = ""
        self.value = bytearray()
        self.head = bytearray()
        self.writer: ObjectWriter | None = None
        self.media = ""
        self.copy: IO[bytes] | None = None


class ClaimBodyReader:
    """Reads one claim body; `check_region` validates the region field before any document is opened."""

    def __init__(
        self,
        content_type: str,
        *,
        check_region: Callable[[str], str],
        open_document: OpenDocument,
        max_documents: int,
        max_request_bytes: int,
        limits: DocumentLimits | None = None,
    ) -> None:
        self.events: list[tuple[str, bytes]] = []
        self.parser = MultipartParser(
            boundary_of(content_type),
            callbacks={
                "on_part_begin": lambda: self.events.append(("begin", b"")),
                "on_header_field": lambda d, s, e: self.events.append(("hfield", d[s:e])),
                "on_header_value": lambda d, s, e: self.events.append(("hvalue", d[s:e])),
                "on_headers_finished": lambda: self.events.append(("headers", b"")),
                "on_part_data": lambda d, s, e: self.events.append(("data", bytes(d[s:e]))),
                "on_part_end": lambda: self.events.append(("end", b"")),
                "on_end": lambda: self.events.append(("done", b"")),
            },
        )
        self.check_region = check_region
        self.open_document = open_document
        self.max_documents = max_documents
        self.max_request_bytes = max_request_bytes
        self.limits = limits or DocumentLimits()
        self.received = Received()
        self._part = _Part()
        self._field_name = b""
        self._done = False

    async def read(self, body: AsyncIterator[bytes]) -> Received:
        """Read `body` to its end; on any refusal every staged document is dropped before it propagates."""
        try:
            total = 0
            async for chunk in body:
                total += len(chunk)
                if total > self.max_request_bytes:
                    raise TooLarge(f"the request is over the limit of {self.max_request_bytes:,} bytes")
                try:
                    self.parser.write(chunk)
                except MultipartParseError as exc:
                    raise BadRequest(f"malformed multipart body: {exc}") from exc
                await self._drain()
            if not self._done:
                raise BadRequest("the multipart body ends before its closing boundary")
            if "region" not in self.received.fields:
                raise BadRequest("the claim needs a region field")
            if not self.received.documents:
                raise BadRequest(f"the claim needs at least one document (field {DOCUMENTS_FIELD!r})")
            return self.received
        except BaseException:
            if self._part.writer is not None:
                await self._part.writer.abort()
            await self.received.abort()
            raise
        finally:
            if self._part.copy is not None:
                self._part.copy.close()

    async def _drain(self) -> None:
        events, self.events = self.events, []
        for kind, data in events:
            if kind == "begin":
                self._part = _Part()
            elif kind == "hfield":
                self._field_name += data
            elif kind == "hvalue":
                name = self._field_name.decode("latin-1").lower()
                self._part.headers[name] = self._part.headers.get(name, "") + data.decode("latin-1")
                self._field_name = b""
            elif kind == "headers":
                self._headers_done()
            elif kind == "data":
                await self._data(data)
            elif kind == "end":
                await self._end()
            elif kind == "done":
                self._done = True

    def _headers_done(self) -> None:
        part = self._part
        disposition, params = parse_options_header(part.headers.get("content-disposition", ""))
        if disposition != b"form-data" or b"name" not in params:
            raise BadRequest("every part needs Content-Disposition: form-data with a name")
        part.name = params[b"name"].decode("utf-8", "replace")
        part.declared = parse_options_header(part.headers.get("content-type", ""))[0].decode("latin-1")
        if b"filename" in params:
            if part.name != DOCUMENTS_FIELD:
                raise BadRequest(f"files go in the {DOCUMENTS_FIELD!r} field, not {part.name!r}")
            if "region" not in self.received.fields:
                raise BadRequest("the region field must come before the documents")
            if len(self.received.documents) >= self.max_documents:
                raise BadRequest(f"a claim holds at most {self.max_documents} documents")
            name = check_filename(params[b"filename"].decode("utf-8", "replace"))
            if any(n == name for _w, n, _m in self.received.documents):
                raise BadRequest(f"two documents are named {name!r}")
            part.filename = name
        elif part.name not in TEXT_FIELDS:
            raise BadRequest(
                f"unknown field {part.name!r}; expected {', '.join((*TEXT_FIELDS, DOCUMENTS_FIELD))}"
            )
        elif part.name in self.received.fields:
            raise BadRequest(f"the field {part.name!r} is repeated")

    async def _data(self, data: bytes) -> None:
        part = self._part
        if part.filename is None:
            part.value += data
            if len(part.value) > MAX_FIELD_BYTES:
                raise BadRequest(f"the field {part.name!r} is over {MAX_FIELD_BYTES} bytes")
        elif part.writer is not None:
            await self._write(data)
        else:
            part.head += data
            if len(part.head) >= SNIFF_BYTES:
                await self._open()

    async def _open(self) -> None:
        part = self._part
        assert part.filename is not None
        media = sniff(bytes(part.head))
        if media is None:
            raise UnsupportedMedia(f"{part.filename} is not a PDF, PNG, JPEG or TIFF")
        if part.declared not in (*GENERIC_TYPES, media):
            raise UnsupportedMedia(f"{part.filename} is declared {part.declared} but its bytes are {media}")
        part.media = media
        # Closed by _check_decoded_size, or by read() on a refusal: it outlives this call.
        part.copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
        part.writer = await self.open_document(self.received.region, part.filename)
        head, part.head = bytes(part.head), bytearray()
        await self._write(head)

    async def _write(self, data: bytes) -> None:
        assert self._part.writer is not None and self._part.copy is not None
        try:
            await self._part.writer.write(data)
        except ObjectTooLarge as exc:
            raise TooLarge(str(exc)) from exc
        self._part.copy.write(data)

    async def _check_decoded_size(self, part: _Part) -> None:
        """A decompression bomb (pixels, pages, page size, inflated streams) is a 413 before commit."""
        assert part.copy is not None and part.filename is not None
        try:
            await asyncio.to_thread(check_decoded_size, part.copy, part.media, self.limits, part.filename)
        except DocumentTooLarge as exc:
            raise TooLarge(str(exc)) from exc
        finally:
            part.copy.close()
            part.copy = None

    async def _end(self) -> None:
        part = self._part
        if part.filename is None:
            try:
                value = part.value.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise BadRequest(f"the field {part.name!r} is not UTF-8") from None
            if part.name == "region":
                value = self.check_region(value)
            self.received.fields[part.name] = value
            _ = self.received.received_at  # a bad date is refused here, before any document is read
            if len(self.received.fields.get("external_reference", "")) > MAX_REFERENCE:
                raise BadRequest(f"external_reference is over {MAX_REFERENCE} characters")
            return
        if part.writer is None:
            if not part.head:
                raise BadRequest(f"{part.filename} is empty")
            await self._open()
        assert part.writer is not None
        await self._check_decoded_size(part)
        self.received.documents.append((part.writer, part.filename, part.media))
        self._part = _Part()
