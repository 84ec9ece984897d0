"""Avro codecs, one per schema in `schemas/`, registered with Faust by name.

Records are written as plain (schemaless) Avro binary so any Kafka client in any
language can produce and read them with the `.avsc` file alone. Faust looks the
codec up by the name `avro.<schema>`; tools that use confluent-kafka call the
same codec directly.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastavro
from faust.serializers import codecs

from streams.errors import DecodeError, EncodeError, SchemaError


def codec_name(schema_name: str) -> str:
    """The name a schema's codec is registered under in Faust."""
    return f"avro.{schema_name}"


class AvroCodec(codecs.Codec):
    """Encodes dicts to schemaless Avro binary and back, refusing anything off-schema."""

    def __init__(self, schema_name: str, schema: Mapping[str, Any]) -> None:
        super().__init__()
        self.schema_name = schema_name
        try:
            self.schema = fastavro.parse_schema(dict(schema))
        except Exception as exc:  # fastavro raises several unrelated types for a bad schema
            raise SchemaError(f"schema {schema_name!r} is not valid Avro: {exc}") from exc
        self.field_names = frozenset(f["name"] for f in schema["fields"])

    def _dumps(self, obj: Any) -> bytes:
        buffer = io.BytesIO()
        try:
            fastavro.schemaless_writer(buffer, self.schema, obj, strict_allow_default=True)
        except Exception as exc:
            raise EncodeError(f"record does not match schema {self.schema_name!r}: {exc}") from exc
        return buffer.getvalue()

    def _loads(self, s: bytes) -> Any:
        buffer = io.BytesIO(s)
        try:
            record = fastavro.schemaless_reader(buffer, self.schema, None)
        except Exception as exc:
            raise DecodeError(
                f"{len(s)} bytes are not a {self.schema_name!r} record: {type(exc).__name__}: {exc}"
            ) from exc
        if buffer.tell() != len(s):
            raise DecodeError(
                f"{len(s) - buffer.tell()} trailing bytes after a {self.schema_name!r} record: "
                "the producer used another schema"
            )
        return record

    def encode(self, record: Mapping[str, Any]) -> bytes:
        """Avro bytes of `record`; `EncodeError` if it does not match the schema."""
        return self._dumps(record)

    def decode(self, data: bytes) -> dict[str, Any]:
        """The record in `data`; `DecodeError` if the bytes are not one of this schema."""
        record: dict[str, Any] = self._loads(data)
        return record


@lru_cache(maxsize=8)
def load_codecs(schemas_dir: Path) -> dict[str, AvroCodec]:
    """Every `*.avsc` in `schemas_dir`, parsed once per process and registered with Faust."""
    found: dict[str, AvroCodec] = {}
    for path in sorted(schemas_dir.glob("*.avsc")):
        try:
            schema = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise SchemaError(f"cannot read schema {path}: {exc}") from exc
        codec = AvroCodec(path.stem, schema)
        codecs.register(codec_name(path.stem), codec)
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
