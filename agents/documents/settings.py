"""Limits of document reading and the OCR helper pool (`CLAIMFLOW_MAX_DOCUMENT_*`, `CLAIMFLOW_OCR_*`)."""

from __future__ import annotations

import os

from pydantic import Field

from streams import SettingsSection


class DocumentSettings(SettingsSection):
    """What a claim document may be, and how the OCR helpers read scans and photos."""

    max_document_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description="Largest document accepted.")
    max_document_pages: int = Field(default=50, ge=1, description="Most pages read from one document.")
    ocr_seconds_per_page: float = Field(default=30.0, gt=0, description="OCR time limit of one page.")
    max_image_pixels: int = Field(default=50_000_000, ge=1, description="Largest image decoded (bomb guard).")
    ocr_threads: int | None = Field(
        default=1,
        ge=1,
        description="onnxruntime threads of each OCR helper process (None = every core).",
    )
    ocr_start_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="How long an OCR helper may take to load its models. On a crowded 2-core machine "
        "(load average 15-24) it took more than 60 s, and the retriever could not start.",
    )
    ocr_helpers: int | None = Field(
        default=None,
        ge=1,
        description="OCR helper processes per retriever worker, each reading one page at a time "
        "(None = one per core). With one thread each they read more pages per second than one "
        "helper on every core.",
    )

    @property
    def ocr_pool_size(self) -> int:
        """OCR helpers per retriever worker: the setting, else one per core."""
        return self.ocr_helpers or os.cpu_count() or 1
