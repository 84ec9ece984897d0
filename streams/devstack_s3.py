"""The embedded stack's S3-compatible server: moto's server mode, made to outlive its own restarts.

The broker keeps its log in it (Tansu's `s3://` storage engine) and the document store can use
it too, so it is the one service whose loss would lose the log. moto keeps its objects in memory
only; its *recorder* appends every request it receives (bodies included) to a file before
handling it, and replays such a file on request. Recording on from the first request, and replayed
into a fresh server before anything else talks to it, that file is the server's write-ahead log:
a kill -9 of the server, `claimflow dev down` and `up` all come back to the same objects.

What the file costs: it grows with every request (a PUT's body base64-encoded, so ~1.35x the bytes
written, plus a few hundred bytes per GET; an idle pipeline's offset commits alone add megabytes an
hour), and replay time grows with it (measured in docs/durability.md). So a restored server whose
recording is much larger than what it holds is compacted before anyone else talks to it: the
recording is set aside and every live object written once more, which records exactly the
requests that rebuild it. `claimflow dev down --purge` starts afresh.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

from streams.errors import StackError

BROKER_BUCKET = "tansu"
RECORDING_FILE = "recording.jsonl"
# Compact once the recording is this many times larger than the base64 of what the server holds.
COMPACT_RATIO = 2.0
COMPACT_MIN_BYTES = 4 * 1024 * 1024
_READS = frozenset({"GET", "HEAD"})
# moto replays ~40-100 requests a second on 2 busy cores; allow for far slower before giving up.
_REPLAY_S_PER_REQUEST = 0.25
_HEALTH_TIMEOUT_S = 2.0


def data_dir(state_dir: Path) -> Path:
    """Where the S3 server's recording (its only persistent state) lives."""
    return state_dir / "s3"


def recording_path(state_dir: Path) -> Path:
    return data_dir(state_dir) / RECORDING_FILE


def server_argv(port: int, host: str) -> list[str]:
    """moto's server with its writes serialised (`streams.devstack_s3_server`), in this interpreter."""
    return [sys.executable, "-m", "streams.devstack_s3_server", "-H", host, "-p", str(port)]


def server_env(state_dir: Path) -> dict[str, str]:
    """Recording on from the first request, into the state folder."""
    return {"MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(recording_path(state_dir))}


def _set_aside_path(state_dir: Path) -> Path:
    return data_dir(state_dir) / f"{RECORDING_FILE}.compacting"


def prepare_recording(state_dir: Path) -> None:
    """Make the recording replayable and quick to replay, before the server that appends to it starts.

    - A compaction cut short (its set-aside file still there) is undone: that file is the truth.
    - moto writes one JSON line per request in two writes (the entry, then the newline): a kill
      between them leaves an entry without its newline, and two requests handled at once leave
      two entries on one line. Every whole entry gets a line of its own; a cut-off one is dropped
      (its request was never handled: the entry is written before the request is processed).
    - Reads (GET, HEAD) change nothing and are dropped: on a pipeline they are about half the
      requests, and a replayed request costs ~10-25 ms on moto.
    """
    path = recording_path(state_dir)
    aside = _set_aside_path(state_dir)
    if aside.exists():
        aside.replace(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    pruned = path.with_name(f"{RECORDING_FILE}.pruning")
    with path.open("rb") as src, pruned.open("wb") as dst:
        for line in src:
            for raw, entry in _entries(line):
                if entry.get("method") not in _READS:
                    dst.write(raw + b"\n")
        dst.flush()
        os.fsync(dst.fileno())
    pruned.replace(path)


def _entries(line: bytes) -> list[tuple[bytes, dict[str, Any]]]:
    """Every whole entry on one line of the recording, as (its bytes, its content), in order.

    moto's server is threaded and writes an entry and its newline in two writes, so two requests
    handled at once can leave `{first}{second}` on one line and an empty line after it (seen in
    every chaos run with the S3 server stopped: dropping such lines lost acknowledged batches and
    watermarks, so the replayed broker log ended early and some partitions could not be read).
    An entry cut off by a kill ends the line and is dropped: it was written before its request was
    handled.
    """
    text = line.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    found: list[tuple[bytes, dict[str, Any]]] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return found
        try:
            entry, end = decoder.raw_decode(text, at)
        except ValueError:
            return found  # cut off by a kill (see above)
        if isinstance(entry, dict):
            found.append((text[at:end].encode("utf-8"), entry))
        at = end


def client(endpoint_url: str, access_key_id: str, secret_access_key: str, region: str) -> Any:
    """A boto3 S3 client with short timeouts and no retries of its own (the callers poll)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        region_name=region,
        config=Config(
            connect_timeout=_HEALTH_TIMEOUT_S,
            read_timeout=_HEALTH_TIMEOUT_S,
            retries={"max_attempts": 1, "mode": "standard"},
        ),
    )


def check(endpoint_url: str) -> None:
    """The health check: a ListBuckets call answered (moto accepts any credentials)."""
    client(endpoint_url, "health", "health", "us-east-1").list_buckets()


def restore(state_dir: Path, endpoint_url: str, timeout_s: float) -> int:
    """Replay the recording into a freshly started server; returns the number of requests replayed.

    Takes as long as the recording is (one HTTP request after the other), so the time allowed
    grows with it beyond `timeout_s`. Must run before any other client talks to the server:
    moto records nothing while it replays, so a write made meanwhile would be missing from the
    next replay.
    """
    path = recording_path(state_dir)
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        requests = sum(1 for _ in fh)
    if requests == 0:
        return 0
    url = f"{endpoint_url}/moto-api/recorder/replay-recording"
    patience = max(timeout_s, requests * _REPLAY_S_PER_REQUEST)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=patience) as reply:
            reply.read()
    except OSError as exc:
        raise StackError(f"s3 server at {endpoint_url} did not replay {path}: {exc}") from exc
    return requests


def ensure_bucket(s3: Any, bucket: str, region: str, *, recreate: bool = False) -> None:
    """Create `bucket` unless it exists (after a replay it usually does).

    With `recreate`, the request is sent even for an existing bucket, so that the recording
    holds it (the server answers that it exists, and records it all the same).
    """
    if not recreate and bucket in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        return
    from botocore.exceptions import ClientError

    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **config)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def _objects(s3: Any) -> list[tuple[str, str, int]]:
    """(bucket, key, size) of every object the server holds."""
    found: list[tuple[str, str, int]] = []
    for bucket in (b["Name"] for b in s3.list_buckets().get("Buckets", [])):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            found.extend((bucket, item["Key"], item["Size"]) for item in page.get("Contents", []))
    return found


def compact_if_large(state_dir: Path, s3: Any, region: str) -> bool:
    """Rewrite the recording as one PUT per live object when it has grown well past them.

    Runs on a restored server that nobody else uses yet. The old recording is set aside first
    and deleted only once every object was written again, so a crash midway loses nothing
    (`prepare_recording` puts the set-aside file back).

    Returns:
        True if the recording was compacted.
    """
    path = recording_path(state_dir)
    if not path.exists() or path.stat().st_size < COMPACT_MIN_BYTES:
        return False
    objects = _objects(s3)
    live = sum(size for _, _, size in objects)
    if path.stat().st_size < COMPACT_RATIO * (live * 4 / 3 + 1024 * len(objects)):
        return False
    aside = _set_aside_path(state_dir)
    path.replace(aside)  # the server opens the file per request: the next one starts a new file
    buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in sorted(buckets):
        ensure_bucket(s3, bucket, region, recreate=True)
    for bucket, key, _ in objects:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    aside.unlink()
    return True
