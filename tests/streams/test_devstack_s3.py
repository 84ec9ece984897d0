"""The S3 server's recording, made replayable after a kill (no server needed)."""

from __future__ import annotations

from pathlib import Path

from streams import devstack_s3


def _prepared(state_dir: Path, content: bytes) -> bytes:
    recording = devstack_s3.recording_path(state_dir)
    recording.parent.mkdir(exist_ok=True)
    recording.write_bytes(content)
    devstack_s3.prepare_recording(state_dir)
    return recording.read_bytes()


def test_an_entry_cut_off_by_a_kill_is_dropped(tmp_path: Path) -> None:
    assert _prepared(tmp_path, b'{"method": "PUT"}\n{"method": "PUT", "bo') == b'{"method": "PUT"}\n'


def test_a_whole_entry_without_its_newline_gets_it_back(tmp_path: Path) -> None:
    content = b'{"method": "PUT"}\n{"method": "DELETE"}'
    assert _prepared(tmp_path, content) == content + b"\n"


def test_reads_are_dropped(tmp_path: Path) -> None:
    content = b'{"method": "GET"}\n{"method": "PUT", "url": "a"}\n{"method": "HEAD"}\n{"method": "POST"}\n'
    assert _prepared(tmp_path, content) == b'{"method": "PUT", "url": "a"}\n{"method": "POST"}\n'


def test_a_compaction_cut_short_is_undone(tmp_path: Path) -> None:
    recording = devstack_s3.recording_path(tmp_path)
    aside = recording.with_name(f"{recording.name}.compacting")
    recording.parent.mkdir()
    aside.write_bytes(b'{"method": "PUT", "url": "1"}\n{"method": "PUT", "url": "2"}\n')
    assert _prepared(tmp_path, b'{"method": "PUT", "url": "1"}\n') == (
        b'{"method": "PUT", "url": "1"}\n{"method": "PUT", "url": "2"}\n'
    )
    assert not aside.exists()


def test_entries_written_at_once_by_two_requests_are_all_kept(tmp_path: Path) -> None:
    """moto's threads interleave entry and newline: `{a}{b}` on one line, then an empty line.

    Found by `claimflow chaos`: such lines were dropped, and with them acknowledged record batches
    and watermarks, so the broker restarted on the replayed log ended partitions early.
    """
    content = (
        b'{"method": "PUT", "url": "1"}\n'
        b'{"method": "PUT", "url": "2"}{"method": "GET", "url": "3"}{"method": "PUT", "url": "4"}\n'
        b"\n\n"
        b'{"method": "PUT", "url": "5"}{"method": "PUT", "url'
    )
    assert _prepared(tmp_path, content) == (
        b'{"method": "PUT", "url": "1"}\n{"method": "PUT", "url": "2"}\n{"method": "PUT", "url": "4"}\n'
        b'{"method": "PUT", "url": "5"}\n'
    )
