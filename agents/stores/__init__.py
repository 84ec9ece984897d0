"""What agents keep: policy book, reports and clause versions (PostgreSQL), clause vectors (Milvus),
workers' acknowledgements (Redis)."""

from agents.stores.clause_store import ClauseRecord, ClauseStore
from agents.stores.clause_version import (
    ClauseVersion,
    ClauseVersionError,
    ClauseVersionLog,
    PolicyUpdateFollower,
    regions_to_refresh,
    wait_for_clause_version,
)
from agents.stores.policy_book import (
    Clause,
    Policy,
    PolicyBook,
    PolicyBookError,
    PolicyFileError,
    read_policies,
    wording_key,
)
from agents.stores.policy_index import MemoryPolicyIndex, PolicyIndex, PolicyMatch
from agents.stores.policy_lookup import MemoryPolicyBook, PolicyLookup
from agents.stores.report_store import (
    DECIDED,
    ReportRow,
    ReportStore,
    ReportStoreError,
    Revision,
    Saved,
    StoredReport,
)

__all__ = [
    "DECIDED",
    "Clause",
    "ClauseRecord",
    "ClauseStore",
    "ClauseVersion",
    "ClauseVersionError",
    "ClauseVersionLog",
    "MemoryPolicyBook",
    "MemoryPolicyIndex",
    "Policy",
    "PolicyBook",
    "PolicyBookError",
    "PolicyFileError",
    "PolicyIndex",
    "PolicyLookup",
    "PolicyMatch",
    "PolicyUpdateFollower",
    "ReportRow",
    "ReportStore",
    "ReportStoreError",
    "Revision",
    "Saved",
    "StoredReport",
    "read_policies",
    "regions_to_refresh",
    "wait_for_clause_version",
    "wording_key",
]
