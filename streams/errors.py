"""The platform's exceptions.

Every error says whether a retry can help (`retryable`), so the agent runner
knows to back off and try again or to dead-letter the message at once.
"""

from __future__ import annotations


class ClaimFlowError(Exception):
    """Root of every error raised by ClaimFlow."""

    retryable: bool = False


class ConfigurationError(ClaimFlowError, ValueError):
    """Settings or topology.yaml are invalid."""


class TopologyError(ConfigurationError):
    """topology.yaml does not describe a consistent set of topics and agents."""


class TopicPartitionsMismatch(ConfigurationError):
    """A topic exists on the broker with a partition count other than the declared one."""


class SchemaError(ClaimFlowError):
    """An Avro schema cannot be loaded or a record does not match its schema."""


class DecodeError(SchemaError):
    """Bytes on a topic are not a valid record of the topic's schema."""


class EncodeError(SchemaError):
    """A record cannot be encoded with the topic's schema."""


class RegionNotServed(ClaimFlowError):
    """The event's region is not one this deployment serves (data residency).

    `declared`: the region is in topology.yaml, so another deployment owns the claim and this one
    must not keep its content (the dead letter withholds it). A region nobody declares is
    malformed input: its dead letter keeps the bytes, to be fixed and redriven.
    """

    def __init__(self, message: str, *, declared: bool = True) -> None:
        super().__init__(message)
        self.declared = declared


class DependencyUnavailable(ClaimFlowError):
    """An external dependency timed out, failed, or its circuit breaker is open."""

    retryable = True


class StackError(ClaimFlowError, RuntimeError):
    """The embedded development stack could not be started, found or stopped."""


class PermanentError(ClaimFlowError):
    """Processing can never succeed for this input (bad document, unknown policy book entry)."""
