"""One trace per claim: W3C trace context travels in Kafka headers from agent to agent.

Spans are exported when the standard OpenTelemetry variables ask for it:
`OTEL_TRACES_EXPORTER=otlp` sends them over OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), HTTP/protobuf unless `OTEL_EXPORTER_OTLP_PROTOCOL` (or
`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`) says `grpc`; the exporter reads its own variables
(headers, timeout, certificates). Unset, spans get real ids and go nowhere. Any other exporter
name installed under the SDK's `opentelemetry_traces_exporter` entry points (`console`, ...)
works too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.errors import ConfigurationError

_configured = False

# OTLP's protocol names → the SDK's entry-point names of the exporters that speak them.
OTLP_EXPORTERS = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}


class TracingSettings(BaseSettings):
    """The standard `OTEL_*` variables that choose the span exporter (no `CLAIMFLOW_` prefix)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    otel_traces_exporter: str = "none"
    otel_exporter_otlp_protocol: str = "http/protobuf"
    otel_exporter_otlp_traces_protocol: str = ""

    def exporter_names(self) -> list[str]:
        """The SDK entry-point names of the exporters asked for (empty: export nothing)."""
        names = []
        for name in (n.strip().lower() for n in self.otel_traces_exporter.split(",")):
            if name in ("", "none"):
                continue
            if name == "otlp":
                protocol = self.otel_exporter_otlp_traces_protocol or self.otel_exporter_otlp_protocol
                if protocol not in OTLP_EXPORTERS:
                    raise ConfigurationError(
                        f"OTLP protocol {protocol!r} is not one of {', '.join(OTLP_EXPORTERS)}"
                    )
                name = OTLP_EXPORTERS[protocol]
            names.append(name)
        return names


def span_exporters(settings: TracingSettings) -> list[SpanExporter]:
    """One exporter per name in `OTEL_TRACES_EXPORTER`, each configured from its own `OTEL_*` variables."""
    installed = {e.name: e for e in entry_points(group="opentelemetry_traces_exporter")}
    exporters = []
    for name in settings.exporter_names():
        if name not in installed:
            raise ConfigurationError(
                f"OTEL_TRACES_EXPORTER asks for {name!r}, which is not installed "
                "(OTLP comes with opentelemetry-exporter-otlp, a dependency of claimflow)"
            )
        exporters.append(installed[name].load()())
    return exporters


def build_tracer_provider(service_name: str, settings: TracingSettings | None = None) -> TracerProvider:
    """A tracer provider named `service_name`, batching spans to the exporters the environment asks for."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    for exporter in span_exporters(settings or TracingSettings()):
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def setup_tracing(service_name: str) -> None:
    """Install the SDK tracer provider once per process, so spans get real ids (and go where OTEL_* says)."""
    global _configured
    if _configured:
        return
    trace.set_tracer_provider(build_tracer_provider(service_name))
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
