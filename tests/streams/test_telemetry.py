"""Spans leave the process over OTLP when the standard OTEL_* variables ask for it.

The receiver is a stdlib HTTP server on a real socket that keeps every POST; the body is
decoded with OpenTelemetry's own protobuf classes (no OTLP receiver is packaged on PyPI).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from streams.errors import ConfigurationError
from streams.telemetry import TracingSettings, build_tracer_provider


class _Receiver(BaseHTTPRequestHandler):
    posts: list[tuple[str, str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, self.headers["Content-Type"], body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_otlp_over_http_sends_the_spans_to_the_configured_endpoint(
    receiver: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{receiver.server_port}")
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_PROTOCOL", raising=False)
    provider = build_tracer_provider("claimflow-test-agent")
    with provider.get_tracer("claimflow").start_as_current_span("reporter claim.validated") as span:
        span.set_attribute("claim.id", "CLM-1")
    assert provider.force_flush(timeout_millis=10_000)
    provider.shutdown()

    [(path, content_type, body)] = receiver.posts  # type: ignore[attr-defined]
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    request = ExportTraceServiceRequest.FromString(body)
    [resource_spans] = request.resource_spans
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    assert service == "claimflow-test-agent"
    [exported] = [s for scope in resource_spans.scope_spans for s in scope.spans]
    assert exported.name == "reporter claim.validated"
    assert {a.key: a.value.string_value for a in exported.attributes} == {"claim.id": "CLM-1"}


def test_without_otel_variables_nothing_is_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    assert TracingSettings().exporter_names() == []
    assert TracingSettings(otel_traces_exporter="none").exporter_names() == []


def test_the_protocol_variables_pick_the_otlp_exporter() -> None:
    assert TracingSettings(otel_traces_exporter="otlp").exporter_names() == ["otlp_proto_http"]
    grpc = TracingSettings(otel_traces_exporter="otlp", otel_exporter_otlp_protocol="grpc")
    assert grpc.exporter_names() == ["otlp_proto_grpc"]
    override = TracingSettings(
        otel_traces_exporter="otlp,console",
        otel_exporter_otlp_protocol="grpc",
        otel_exporter_otlp_traces_protocol="http/protobuf",
    )
    assert override.exporter_names() == ["otlp_proto_http", "console"]
    with pytest.raises(ConfigurationError, match="http/json"):
        TracingSettings(otel_traces_exporter="otlp", otel_exporter_otlp_protocol="http/json").exporter_names()
