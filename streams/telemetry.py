"""One trace per claim: W3C trace context travels in Kafka headers from agent to agent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

_configured = False


def setup_tracing(service_name: str) -> None:
    """Install an SDK tracer provider once per process so spans get real ids (exporters: OTEL_* env)."""
    global _configured
    if _configured:
        return
    trace.set_tracer_provider(TracerProvider(resource=Resource.create({"service.name": service_name})))
    _configured = True


def tracer() -> trace.Tracer:
    return trace.get_tracer("claimflow")


def context_from_headers(headers: Iterable[tuple[str, bytes | None]]) -> Context:
    """The trace context a producer put in the message headers (empty context if none)."""
    carrier = {k: v.decode("latin-1") for k, v in headers if v is not None}
    return propagate.extract(carrier)


def headers_for(context: Context | None = None) -> list[tuple[str, bytes]]:
    """Kafka headers that carry `context` (default: the current span) to the next agent."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return [(k, v.encode("latin-1")) for k, v in carrier.items()]


def trace_id_of(headers: Mapping[str, bytes] | Iterable[tuple[str, bytes | None]] | None) -> str | None:
    """The trace id carried by `headers`, as 32 hex digits (for tests and `claimflow tail`)."""
    items = headers.items() if isinstance(headers, Mapping) else headers or []
    ctx = trace.get_current_span(context_from_headers(items)).get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None
