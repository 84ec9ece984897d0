"""The embedded stack's secrets: one per service (and the audit key), made once per state folder.

Each lives in a file of the state folder that only its owner reads, never in the service's own
data; it outlives `dev down` (the data it guards does too) and goes with `dev down --purge`.
Production reads its credentials from a secret store instead (docs/security.md).
"""

from __future__ import annotations

import secrets
from pathlib import Path


def state_secret(state_dir: Path, name: str) -> str:
    """The secret kept in `state_dir/name`, made (48 random bytes, URL-safe) when first asked for.

    URL-safe, so it goes into a DSN or a Redis URL as it is, without quoting.
    """
    path = Path(state_dir) / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(value + "\n")
        return value
