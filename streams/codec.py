"""Avro codecs, one per schema in `schemas/`, looked up by schema name.

Records are written as plain (schemaless) Avro binary so any Kafka client in any
language can produce and read them with the `.avsc` file alone. The agents' processor
(Faust carries bytes) and the confluent-kafka tools call the same codecs.

Schemaless bytes do not say which version of a schema wrote them, so a schema's earlier
versions are kept in `schemas/history/<name>.<n>.avsc`. A record that is not a record of
the current version is read with each earlier version as the writer's schema, newest first,
and resolved to the current one (Avro schema resolution fills the added fields' defaults):
a producer written against an older `.avsc` keeps working after a field is added.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastavro
from fastavro.validation import validate

from streams.errors import DecodeError, EncodeError, SchemaError


class AvroCodec:
    """Encodes dicts to schemaless Avro binary and back, refusing anything off-schema."""

    def __init__(
        self, schema_name: str, schema: Mapping[str, Any], earlier: Sequence[Mapping[str, Any]] = ()
    ) -> None:
        self.schema_name = schema_name
        self.schema = _parse(schema_name, schema)
        self.earlier = [_parse(f"{schema_name} (earlier version)", old) for old in earlier]
        self.field_names = frozenset(f["name"] for f in schema["fields"])

    def encode(self, record: Mapping[str, Any]) -> bytes:
        """Avro bytes of `record`; `EncodeError` if it does not match the schema."""
        buffer = io.BytesIO()
        try:
            fastavro.schemaless_writer(buffer, self.schema, record, strict_allow_default=True)
        except Exception as exc:
            raise EncodeError(f"record does not match schema {self.schema_name!r}: {exc}") from exc
        return buffer.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        """The record in `data` as the current schema has it; `DecodeError` if no version wrote it."""
        try:
            return self._read(data, self.schema)
        except DecodeError as first:
            for writer in self.earlier:
                try:
                    return self._read(data, writer)
                except DecodeError:
                    continue
            raise first

    def _read(self, data: bytes, writer: Any) -> dict[str, Any]:
        buffer = io.BytesIO(data)
        try:
            reader = None if writer is self.schema else self.schema
            record = fastavro.schemaless_reader(buffer, writer, reader)
        except Exception as exc:
            raise DecodeError(
                f"{len(data)} bytes are not a {self.schema_name!r} record: {type(exc).__name__}: {exc}"
            ) from exc
        if buffer.tell() != len(data):
            raise DecodeError(
                f"{len(data) - buffer.tell()} trailing bytes after a {self.schema_name!r} record: "
                "the producer used another schema"
            )
        if not isinstance(record, dict):
            raise DecodeError(f"{len(data)} bytes are not a {self.schema_name!r} record")
        try:
            # Avro's binary int is a varint of any length and fastavro reads it unchecked, so an
            # `int` field can decode to 2**40, which no other Avro library reads back and which
            # failed the agent's own encode inside a union (stopping the worker on every
            # redelivery). Checked here (about 2 µs a record), it is a dead letter instead.
            validate(record, self.schema, raise_errors=True)
        except Exception as exc:
            detail = "; ".join(map(str, getattr(exc, "errors", None) or [exc]))
            raise DecodeError(
                f"{len(data)} bytes decode to values a {self.schema_name!r} record cannot hold: {detail}"
            ) from exc
        return record


def _parse(name: str, schema: Mapping[str, Any]) -> Any:
    try:
        return fastavro.parse_schema(dict(schema))
    except Exception as exc:  # fastavro raises several unrelated types for a bad schema
        raise SchemaError(f"schema {name!r} is not valid Avro: {exc}") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SchemaError(f"cannot read schema {path}: {exc}") from exc
    return found


def _earlier_versions(schemas_dir: Path, name: str) -> list[dict[str, Any]]:
    """`history/<name>.<n>.avsc`, newest (highest n) first."""
    found = []
    for path in (schemas_dir / "history").glob(f"{name}.*.avsc"):
        version = path.name[len(name) + 1 : -len(".avsc")]
        if version.isdigit():
            found.append((int(version), _read_json(path)))
    return [schema for _, schema in sorted(found, key=lambda item: item[0], reverse=True)]


@lru_cache(maxsize=8)
def load_codecs(schemas_dir: Path) -> dict[str, AvroCodec]:
    """Every `*.avsc` in `schemas_dir` (with its earlier versions), parsed once per process."""
    found: dict[str, AvroCodec] = {}
    for path in sorted(schemas_dir.glob("*.avsc")):
        found[path.stem] = AvroCodec(path.stem, _read_json(path), _earlier_versions(schemas_dir, path.stem))
    if not found:
        raise SchemaError(f"no *.avsc schemas found in {schemas_dir}")
    return found


def get_codec(schemas_dir: Path, schema_name: str) -> AvroCodec:
    """The codec of one schema; a clear error naming the schemas that exist."""
    available = load_codecs(schemas_dir)
    try:
        return available[schema_name]
    except KeyError:
        raise SchemaError(
            f"no schema {schema_name!r} in {schemas_dir} (have: {', '.join(available)})"
        ) from None
