"""ClaimFlow's platform: what an agent is, how it is run on Kafka, and the services around it.

Agents and libraries import from here only (a contract checked by import-linter); the
modules behind these names are the platform's own business. Operator tools may also use
the platform's tooling modules (`streams.devstack`, `streams.agent_processes`,
`streams.kafka_io`, `streams.kafka_admin`, `streams.telemetry`, `streams.jsonout`).
"""

from streams.agent import AgentContext, RawAgent, RawRecord, StreamAgent
from streams.audit_log import (
    AuditEntry,
    AuditKeyMissing,
    AuditLog,
    AuditRecord,
    Checkpoint,
    audit_key,
    key_id,
)
from streams.codec import AvroCodec, get_codec, load_codecs
from streams.cost import upstream_cpu
from streams.dead_letter import Coordinates, DeadLetter
from streams.errors import (
    ClaimFlowError,
    ConfigurationError,
    DecodeError,
    DependencyUnavailable,
    EncodeError,
    PermanentError,
    RegionNotServed,
    SchemaError,
    StackError,
    TopicPartitionsMismatch,
    TopologyError,
)
from streams.events import Event, Producer, derived_event_id, utc_now
from streams.kafka_io import publish_events
from streams.kafka_security import KafkaAuthenticationFailed, KafkaConnection
from streams.objectstore import (
    DigestMismatch,
    FileObjectStore,
    ForbiddenLocation,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    ObjectWriter,
    StoredObject,
    open_object_store,
)
from streams.postgres import PostgresStore, lock_key
from streams.publisher import EventPublisher
from streams.resilience import Dependency, RetryPolicy
from streams.settings import Settings, SettingsSection, get_settings, reload_settings
from streams.topology import AgentSpec, TopicSpec, Topology, load_topology

__all__ = [
    "AgentContext",
    "AgentSpec",
    "AuditEntry",
    "AuditKeyMissing",
    "AuditLog",
    "AuditRecord",
    "AvroCodec",
    "Checkpoint",
    "ClaimFlowError",
    "ConfigurationError",
    "Coordinates",
    "DeadLetter",
    "DecodeError",
    "Dependency",
    "DependencyUnavailable",
    "DigestMismatch",
    "EncodeError",
    "Event",
    "EventPublisher",
    "FileObjectStore",
    "ForbiddenLocation",
    "KafkaAuthenticationFailed",
    "KafkaConnection",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectTooLarge",
    "ObjectWriter",
    "PermanentError",
    "PostgresStore",
    "Producer",
    "RawAgent",
    "RawRecord",
    "RegionNotServed",
    "RetryPolicy",
    "SchemaError",
    "Settings",
    "SettingsSection",
    "StackError",
    "StoredObject",
    "StreamAgent",
    "TopicPartitionsMismatch",
    "TopicSpec",
    "Topology",
    "TopologyError",
    "audit_key",
    "derived_event_id",
    "get_codec",
    "get_settings",
    "key_id",
    "load_codecs",
    "load_topology",
    "lock_key",
    "open_object_store",
    "publish_events",
    "reload_settings",
    "upstream_cpu",
    "utc_now",
]
