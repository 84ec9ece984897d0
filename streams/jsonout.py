"""Decoded events as JSON lines: what `claimflow tail` and `claimflow report --json` print."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text with dates as ISO strings and bytes as base64."""
    return json.dumps(value, default=_default, indent=indent, ensure_ascii=False)
