"""OCR of page images with rapidocr, in a helper process so a slow page can be stopped.

rapidocr spends its time inside onnxruntime, which a Python thread can neither
interrupt nor cancel: a page that runs past its time limit would keep a core
busy after the caller gave up on it. The engine therefore lives in child
processes (a pool, one page each at a time); a page over its limit kills its
child (freeing the CPU at once) and that helper's next page starts a fresh one.
Models are the ONNX files shipped in the rapidocr wheel, so nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
from prometheus_client import Counter, Histogram

log = logging.getLogger(__name__)

OCR_PAGES = Counter("claimflow_ocr_pages", "Page images read by OCR, by outcome.", ["outcome"])
OCR_SECONDS = Histogram(
    "claimflow_ocr_page_seconds",
    "Seconds one page takes in an OCR helper (about 2 s at 200 dpi on a 2-core machine).",
    buckets=(0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0),
)

# rapidocr scales anything longer to this before detection, so larger images only cost IPC.
MAX_SIDE = 2000
# The angle classifier can flip long, well-aligned lines by 180 degrees and garble them; scans
# and photos of forms arrive upright or nearly so, and detection copes with a few degrees of skew.
_ENGINE_PARAMS = {"Global.log_level": "warning", "Global.use_cls": False}
# Boxes whose vertical centres are closer than this share of the line height form one text line.
_SAME_LINE = 0.6
# The recogniser's models read Chinese too, and take a drawn box for the character it looks like:
# "冈Entwendung" is "☒ Entwendung". Such a glyph glued to a Latin word is the box, never text.
_BOX_GLYPHS = {"冈": "☒", "区": "☒", "凶": "☒", "図": "☒", "口": "☐", "囗": "☐"}
_GLUED_BOX = re.compile(f"[{''.join(_BOX_GLYPHS)}](?=[A-Za-zÀ-ÖØ-öø-ÿ])")
_STOP_GRACE_S = 2.0
_START_TIMEOUT_S = 60.0
# A fresh interpreter, not multiprocessing: it inherits none of Faust's threads or event loop and
# does not re-import the parent's __main__, which breaks when a script lacks the __main__ guard.
_HELPER_CODE = "import sys; from agents.documents.ocr import serve; serve(int(sys.argv[1]), int(sys.argv[2]))"
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class OcrError(RuntimeError):
    """The OCR helper process failed or did not answer in time."""


class OcrTimeout(OcrError):
    """One page took longer to recognise than its time limit."""


@dataclass(frozen=True)
class OcrResult:
    """The text found on one page image, line by line, and how sure the recogniser was."""

    lines: list[str]
    scores: list[float]
    seconds: float
    # (text, x0, y0, x1, y1, start, end): each detected box, its place as fractions of the page
    # and its offsets in `text`.
    boxes: list[tuple[str, float, float, float, float, int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Lines in reading order, one per row of text on the page."""
        return "\n".join(self.lines)

    @property
    def confidence(self) -> float:
        """Mean recognition score of the page's lines; 0.0 when nothing was found."""
        return float(np.mean(self.scores)) if self.scores else 0.0


@dataclass(frozen=True)
class OcrModel:
    """One ONNX model file an OCR helper loaded: its file name, SHA-256 and the rapidocr release."""

    filename: str
    sha256: str
    rapidocr_version: str


@lru_cache(maxsize=16)
def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _loaded_models(engine: Any) -> list[str]:
    """The model files the engine's detector, classifier and recogniser loaded (those it used so far).

    rapidocr keeps each stage's onnxruntime session as `<stage>.session.session`; the path is
    the session's own record of the file it read.
    """
    found = []
    for stage in ("text_det", "text_cls", "text_rec"):
        session = getattr(getattr(getattr(engine, stage, None), "session", None), "session", None)
        path = getattr(session, "_model_path", None)
        if isinstance(path, str) and os.path.isfile(path):
            found.append(path)
    return found


class _Helper:
    """One rapidocr child process and its socket; used by one page at a time."""

    def __init__(self, threads: int | None, start_timeout_s: float = _START_TIMEOUT_S) -> None:
        self._threads = threads
        self._start_timeout_s = start_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self.model_paths: list[str] = []

    def ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self.stop()
        parent, child = socket.socketpair()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [_PROJECT_ROOT, os.environ.get("PYTHONPATH")])),
        }
        with child:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _HELPER_CODE, str(child.fileno()), str(self._threads or -1)],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        self._conn = Connection(parent.detach())
        # Loading the models is not the page's time: wait for the helper to say it is ready.
        if not self._conn.poll(self._start_timeout_s):
            self.stop()
            raise OcrError(f"OCR helper did not start within {self._start_timeout_s:g} s")
        try:
            _, models = self._conn.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise OcrError(f"OCR helper failed to start ({type(exc).__name__}: {exc})") from exc
        self.model_paths = list(models or ())

    def roundtrip(self, image: np.ndarray, *, timeout: float) -> OcrResult:
        assert self._conn is not None
        started = time.perf_counter()
        try:
            self._conn.send(np.ascontiguousarray(image))
            ready = self._conn.poll(timeout)
            if not ready:
                self.stop()
                raise OcrTimeout(f"OCR did not finish within {timeout:g} s")
            status, payload = self._conn.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise OcrError(f"OCR helper process died ({type(exc).__name__}: {exc})") from exc
        if status != "ok":
            raise OcrError(f"OCR failed: {payload}")
        lines, scores, boxes = payload
        return OcrResult(lines=lines, scores=scores, seconds=time.perf_counter() - started, boxes=boxes)

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        try:
            process.wait(_STOP_GRACE_S)
        except subprocess.TimeoutExpired:  # killed; a loaded machine may reap it late: not a failure
            log.warning("OCR helper %d not reaped within %g s after SIGKILL", process.pid, _STOP_GRACE_S)


class OcrEngine:
    """rapidocr behind a pool of helper processes: loaded once, warmed at start, restarted after a timeout.

    Thread-safe: each helper reads one page at a time, so up to `helpers` pages are read at
    once by callers on different threads. One single-threaded helper per core reads pages
    faster than one helper spread over every core (onnxruntime's threads wait on each other
    between operators, and spin while they wait).
    """

    def __init__(
        self, threads: int | None = None, helpers: int = 1, start_timeout_s: float = _START_TIMEOUT_S
    ) -> None:
        """`threads`: onnxruntime threads per helper (None = every core); `helpers`: pages read at once;
        `start_timeout_s`: how long a helper may take to load its models."""
        if helpers < 1:
            raise ValueError(f"helpers must be >= 1, got {helpers}")
        self.helpers = helpers
        self._all = [_Helper(threads, start_timeout_s) for _ in range(helpers)]
        self._idle: queue.SimpleQueue[_Helper] = queue.SimpleQueue()
        for helper in self._all:
            self._idle.put(helper)

    @contextmanager
    def _every_helper(self) -> Iterator[list[_Helper]]:
        """Every helper, each taken once its current page is done, and handed back afterwards."""
        taken = [self._idle.get() for _ in self._all]
        try:
            yield taken
        finally:
            for helper in taken:
                self._idle.put(helper)

    def warm(self) -> None:
        """Start every helper at once (each loads and runs the models), so the first claim is fast."""
        with self._every_helper() as helpers, ThreadPoolExecutor(len(helpers)) as pool:
            list(pool.map(_Helper.ensure_started, helpers))
        self.models  # noqa: B018  # hashes the model files once, here, off the event loop

    @property
    def models(self) -> list[OcrModel]:
        """The model files the helpers loaded, hashed (model provenance); empty until one has started."""
        version = importlib.metadata.version("rapidocr")
        for helper in self._all:
            if helper.model_paths:
                return [OcrModel(os.path.basename(p), _file_sha256(p), version) for p in helper.model_paths]
        return []

    def recognise(self, image: np.ndarray, *, timeout: float) -> OcrResult:
        """Recognise the text of a grayscale or RGB page image on the next idle helper.

        Args:
            image: Pixels as (height, width) or (height, width, 3) uint8.
            timeout: Seconds the page may take once a helper has it; past it that helper is killed.

        Raises:
            OcrTimeout: The page took longer than `timeout`.
            OcrError: The helper process died or reported an error.
        """
        helper = self._idle.get()
        try:
            helper.ensure_started()
            began = time.perf_counter()
            try:
                result = helper.roundtrip(image, timeout=timeout)
            except OcrError:
                OCR_PAGES.labels("failed").inc()
                raise
            OCR_SECONDS.observe(time.perf_counter() - began)
            OCR_PAGES.labels("read").inc()
            return result
        finally:
            self._idle.put(helper)

    def close(self) -> None:
        """Stop every helper once its current page is done; a later call starts new ones."""
        with self._every_helper() as helpers:
            for helper in helpers:
                helper.stop()


_shared: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine(
    threads: int | None = None, helpers: int = 1, start_timeout_s: float | None = None
) -> OcrEngine:
    """The process-wide engine, so every reader in a worker shares one set of loaded models.

    The first call's arguments decide; a worker has one OCR configuration. Without a start
    timeout, `CLAIMFLOW_OCR_START_TIMEOUT_S` (DocumentSettings) decides, as in the workers.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            if start_timeout_s is None:
                from agents.documents.settings import DocumentSettings

                start_timeout_s = DocumentSettings.current().ocr_start_timeout_s
            _shared = OcrEngine(threads, helpers, start_timeout_s)
        return _shared


def _warm_image() -> np.ndarray:
    import cv2

    image = np.full((96, 640), 255, dtype=np.uint8)
    cv2.putText(image, "Policy POL-EU-2024-000001", (12, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    return image


def serve(fd: int, threads: int = -1) -> None:
    """The helper's loop: one image in, one (status, payload) out, until the parent goes away."""
    from rapidocr import RapidOCR
    from rapidocr.utils.output import RapidOCROutput

    conn = Connection(fd)
    engine = RapidOCR(params={**_ENGINE_PARAMS, "EngineConfig.onnxruntime.intra_op_num_threads": threads})
    engine(_warm_image())  # rapidocr loads each model on first use; do it before the first page
    conn.send(("ready", _loaded_models(engine)))
    while True:
        try:
            image = conn.recv()
        except (EOFError, OSError):
            return
        try:
            output = engine(image)
            # Anything but a full result means detection found no text on the page.
            if isinstance(output, RapidOCROutput) and output.boxes is not None:
                height, width = image.shape[:2]
                found = _reading_order(
                    output.boxes.tolist(), list(output.txts or ()), output.scores, (width, height)
                )
            else:
                found = ([], [], [])
            reply: tuple[str, Any] = ("ok", found)
        except Exception as exc:  # reported to the caller, who decides; the helper stays up
            reply = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


def box_glyphs(text: str) -> str:
    """`text` with each box-like CJK glyph glued to a Latin word read as the box it is."""
    return _GLUED_BOX.sub(lambda m: _BOX_GLYPHS[m.group()], text)


def _reading_order(
    boxes: list[list[list[float]]], texts: list[str], scores: Any, size: tuple[int, int] = (1, 1)
) -> tuple[list[str], list[float], list[tuple[str, float, float, float, float, int, int]]]:
    """Join boxes that sit on one row into one line, rows top to bottom, boxes left to right.

    A form's label and its value are detected as separate boxes; keeping them on one line is
    what lets the extraction rules read "Policy number POL-…" as they do in a text layer. On a
    skewed page a long line's bounding box is taller than the text, so a box's height is taken
    from its own left and right edges, and two boxes that overlap horizontally are never one row.
    """
    items = []
    for box, text, score in zip(boxes, [box_glyphs(t) for t in texts], list(scores or ()), strict=True):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = box
        height = max((abs(y3 - y0) + abs(y2 - y1)) / 2, 1.0)
        top, bottom = min(y0, y1, y2, y3), max(y0, y1, y2, y3)
        items.append(
            _Box((y0 + y1 + y2 + y3) / 4, height, min(x0, x3), max(x1, x2), text, float(score), top, bottom)
        )
    items.sort(key=lambda item: item.y)
    rows: list[list[_Box]] = []
    for item in items:
        row = rows[-1] if rows else None
        if row is not None and item.same_row(row):
            row.append(item)
        else:
            rows.append([item])
    lines: list[str] = []
    placed: list[tuple[str, float, float, float, float, int, int]] = []
    offset = 0
    width, height = max(1, size[0]), max(1, size[1])
    for row in rows:
        parts: list[str] = []
        for item in sorted(row, key=lambda item: item.left):
            start = offset + sum(len(p) + 1 for p in parts)
            parts.append(item.text)
            placed.append(
                (
                    item.text,
                    round(item.left / width, 4),
                    round(item.top / height, 4),
                    round(item.right / width, 4),
                    round(item.bottom / height, 4),
                    start,
                    start + len(item.text),
                )
            )
        lines.append(" ".join(parts))
        offset += len(lines[-1]) + 1
    return lines, [item.score for item in items], placed


@dataclass(frozen=True)
class _Box:
    y: float
    height: float
    left: float
    right: float
    text: str
    score: float
    top: float = 0.0
    bottom: float = 0.0

    def same_row(self, row: list[_Box]) -> bool:
        last = row[-1]
        close = abs(self.y - last.y) < _SAME_LINE * min(self.height, last.height)
        return close and all(self.left >= other.right or self.right <= other.left for other in row)
