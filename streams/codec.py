"""Avro codecs, one per schema in `schemas/`, looked up by schema name.

Records are written as plain (schemaless) Avro binary so any Kafka client in any
language can produce and read them with the `.avsc` file alone. The agents' processor
(Faust carries bytes) and the confluent-kafka tools call the same codecs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastavro

from streams.errors import DecodeError, EncodeError, SchemaError


class AvroCodec:
    """Encodes dicts to schemaless Avro binary and back, refusing anything off-schema."""

    def __init__(self, schema_name: str, schema: Mapping[str, Any]) -> None:
        self.schema_name = schema_name
        try:
            self.schema = fastavro.parse_schema(dict(schema))
        except Exception as exc:  # fastavro raises several unrelated types for a bad schema
            raise SchemaError(f"schema {schema_name!r} is not valid Avro: {exc}") from exc
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
        """The record in `data`; `DecodeError` if the bytes are not one of this schema."""
        buffer = io.BytesIO(data)
        try:
            record = fastavro.schemaless_reader(buffer, self.schema, None)
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
        return record


@lru_cache(maxsize=8)
def load_codecs(schemas_dir: Path) -> dict[str, AvroCodec]:
    """Every `*.avsc` in `schemas_dir`, parsed once per process."""
    found: dict[str, AvroCodec] = {}
    for path in sorted(schemas_dir.glob("*.avsc")):
        try:
            schema = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise SchemaError(f"cannot read schema {path}: {exc}") from exc
        codec = AvroCodec(path.stem, schema)
        found[path.stem] = codec
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
