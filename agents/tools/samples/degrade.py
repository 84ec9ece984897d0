"""Scans and phone photos of rendered claim documents, with the faults real ones have.

Scans are image-only PDFs: slightly rotated and sheared, blurred, grainy, on grey paper.
Photos are PNG or JPEG of the first page on a desk: perspective, rotation, uneven light.
Every fault is drawn from the generator passed in, so a seed gives the same bytes.
"""

from __future__ import annotations

import io
import random
import time

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

# Office scanners default to 150-300 dpi; 150 is what the OCR reader renders at anyway.
SCAN_DPI = 150


def _rasterise(pdf: bytes, dpi: int, grayscale: bool) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[i].render(scale=dpi / 72, grayscale=grayscale).to_pil() for i in range(len(document))
        ]
    finally:
        document.close()


def _noise(rng: random.Random, image: Image.Image, sigma: float) -> Image.Image:
    """Sensor and paper noise, from a numpy generator seeded by the corpus generator."""
    pixels = np.asarray(image, dtype=np.float32)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0.0, sigma, pixels.shape)
    return Image.fromarray(np.clip(pixels + grain, 0, 255).astype(np.uint8), image.mode)


def scan(rng: random.Random, pdf: bytes) -> bytes:
    """An image-only PDF as a flatbed scanner makes it: slightly rotated and skewed, soft, grainy."""
    pages = []
    for page in _rasterise(pdf, SCAN_DPI, grayscale=True):
        shear = rng.uniform(-0.015, 0.015)
        page = page.transform(page.size, Image.Transform.AFFINE, (1, shear, 0, 0, 1, 0), fillcolor=255)
        page = page.rotate(rng.uniform(-2.0, 2.0), resample=Image.Resampling.BICUBIC, fillcolor=255)
        page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
        paper = rng.randrange(225, 250)  # recycled paper is never white
        page = page.point(lambda value, paper=paper: value * paper // 255)
        pages.append(_noise(rng, page, rng.uniform(3.0, 10.0)))
    buffer = io.BytesIO()
    # Pillow stamps the current time into the PDF; a fixed date keeps a seed's bytes identical.
    fixed = time.strptime("2000-01-01", "%Y-%m-%d")
    pages[0].save(
        buffer,
        "PDF",
        resolution=SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        creationDate=fixed,
        modDate=fixed,
    )
    return buffer.getvalue()


def photograph(rng: random.Random, pdf: bytes, suffix: str) -> bytes:
    """A phone photo of the printed first page: on a desk, in perspective, lit from one side."""
    page = _rasterise(pdf, SCAN_DPI, grayscale=False)[0].convert("RGB")
    width, height = page.size
    margin = int(width * 0.08)
    desk = tuple(rng.randrange(60, 160) for _ in range(3))
    canvas = Image.new("RGB", (width + 2 * margin, height + 2 * margin), desk)
    canvas.paste(page.rotate(rng.uniform(-3.0, 3.0), expand=True, fillcolor=desk), (margin // 2, margin // 2))
    # Keystone: the corners of the output are pulled in by a few percent, as when the phone is tilted.
    w, h = canvas.size
    pull = [rng.uniform(0.0, 0.03) for _ in range(8)]
    quad = (
        w * pull[0], h * pull[1],
        w * pull[2], h * (1 - pull[3]),
        w * (1 - pull[4]), h * (1 - pull[5]),
        w * (1 - pull[6]), h * pull[7],
    )  # fmt: skip
    photo = canvas.transform((w, h), Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC)
    light = np.linspace(rng.uniform(0.7, 0.85), 1.0, w, dtype=np.float32)
    if rng.random() < 0.5:
        light = light[::-1]
    pixels = np.asarray(photo, dtype=np.float32) * light[None, :, None]
    photo = Image.fromarray(pixels.astype(np.uint8), "RGB").filter(
        ImageFilter.GaussianBlur(rng.uniform(0.2, 0.7))
    )
    photo = _noise(rng, photo, rng.uniform(2.0, 6.0))
    buffer = io.BytesIO()
    if suffix == ".jpg":
        photo.save(buffer, "JPEG", quality=rng.randrange(70, 92))
    else:
        photo.save(buffer, "PNG")
    return buffer.getvalue()
