"""Scans and phone photos made from born-digital pages, readable by a person.

Scans: each page rendered with pdfium at 175-300 dpi, greyscale or colour, turned by up to 2°,
softened, speckled, with a darker border and JPEG compression, then written as an image-only
PDF of the original page size. Photos: the page at about 200 dpi laid on a background with a
perspective tilt and uneven light, saved as JPEG or PNG. Everything is drawn from the claim's
seeded generators, so the bytes repeat with the seed.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SCAN_DPI = (175, 200, 200, 200, 240, 300)


def render_pages(pdf: bytes, dpi: float, *, grey: bool) -> list[tuple[float, float, Image.Image]]:
    """Each page of ``pdf`` as an image, with the page size in points."""
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            image = page.render(scale=dpi / 72, grayscale=grey).to_pil()
            out.append((width, height, image.convert("L" if grey else "RGB")))
            page.close()
        return out
    finally:
        doc.close()


def _noise_layer(size: tuple[int, int], mode: str, sigma: float, gen: np.random.Generator) -> Image.Image:
    """Zero-mean grain centred on 128, from a seeded tile repeated over the page."""
    w, h = size
    bands = 1 if mode == "L" else 3
    grain = 128 + gen.standard_normal((192, 192, bands), dtype=np.float32) * np.float32(sigma)
    tile = np.clip(grain, 0, 255).astype(np.uint8)
    arr = np.tile(tile, (h // 192 + 1, w // 192 + 1, 1))[:h, :w]
    return Image.fromarray(np.ascontiguousarray(arr[:, :, 0] if bands == 1 else arr))


def _field(size: tuple[int, int], mode: str, values: np.ndarray) -> Image.Image:
    """A smooth multiplicative field (values 0..1, computed small) blown up to ``size``."""
    small = Image.fromarray(np.clip(values * 255, 0, 255).astype(np.uint8))
    big = small.resize(size, Image.Resampling.BILINEAR)
    return big if mode == "L" else Image.merge("RGB", (big, big, big))


def _edge_shadow(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """Darkening along one to four page edges, as a scanner lid leaves it (at 1/4 resolution)."""
    w, h = size[0] // 4 + 1, size[1] // 4 + 1
    field = np.ones((h, w), dtype=np.float32)
    for side in rng.sample(("top", "bottom", "left", "right"), rng.randint(1, 4)):
        depth = max(2, int(min(h, w) * rng.uniform(0.006, 0.03)))
        ramp = np.linspace(rng.uniform(0.35, 0.7), 1.0, depth, dtype=np.float32)
        if side == "top":
            field[:depth, :] *= ramp[:, None]
        elif side == "bottom":
            field[-depth:, :] *= ramp[::-1, None]
        elif side == "left":
            field[:, :depth] *= ramp[None, :]
        else:
            field[:, -depth:] *= ramp[None, ::-1]
    return field


def scan_image(image: Image.Image, rng: random.Random) -> Image.Image:
    """One page as it comes off an office scanner."""
    gen = np.random.default_rng(rng.getrandbits(64))
    paper, ink = rng.randint(232, 250), rng.uniform(10, 45)
    lut = [int(ink + (paper - ink) * i / 255) for i in range(256)]
    if image.mode == "RGB":
        tint = (1.0, rng.uniform(0.98, 1.0), rng.uniform(0.92, 0.99))
        lut = [int(v * t) for t in tint for v in lut]
    image = image.point(lut)
    fill = paper if image.mode == "L" else (paper, paper, int(paper * 0.95))
    image = image.rotate(
        rng.uniform(-2.0, 2.0), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill
    )
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    image = ImageChops.add(image, _noise_layer(image.size, image.mode, rng.uniform(2, 7), gen), 1.0, -128)
    image = ImageChops.multiply(image, _field(image.size, image.mode, _edge_shadow(image.size, rng)))
    w, h = image.size
    specks = int(h * w * rng.uniform(1e-5, 6e-5))
    ys, xs = gen.integers(0, h - 1, specks).tolist(), gen.integers(0, w - 1, specks).tolist()
    draw = ImageDraw.Draw(image)
    dark, grey = int(rng.uniform(20, 90)), int(rng.uniform(40, 120))
    draw.point(list(zip(xs, ys, strict=True)), fill=dark if image.mode == "L" else (dark, dark, dark))
    draw.point(
        [(x + 1, y + 1) for x, y in zip(xs, ys, strict=True)], fill=grey if image.mode == "L" else (grey,) * 3
    )
    return image


def images_to_pdf(pages: list[tuple[float, float, Image.Image, bytes]]) -> bytes:
    """An image-only PDF: one JPEG per page (passed through unchanged), each filling its page."""
    out = io.BytesIO()
    offsets: list[int] = []

    def obj(body: bytes) -> None:
        offsets.append(out.tell())
        out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(len(pages)))
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for i, (width, height, image, jpeg) in enumerate(pages):
        page, content, xobj = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
        obj(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
            f"/Resources << /XObject << /Im{page} {xobj} 0 R >> >> /Contents {content} 0 R >>".encode()
        )
        draw = f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im{page} Do Q".encode()
        obj(f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream")
        space = "/DeviceGray" if image.mode == "L" else "/DeviceRGB"
        obj(
            f"<< /Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            f"/ColorSpace {space} "
            f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n".encode()
            + jpeg
            + b"\nendstream"
        )
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def scan_pdf(pdf: bytes, rng: random.Random) -> bytes:
    """``pdf`` scanned: image-only, no text layer."""
    dpi = rng.choice(SCAN_DPI)
    grey = rng.random() < 0.65
    quality = rng.randint(55, 85)
    out = []
    for width, height, image in render_pages(pdf, dpi, grey=grey):
        scanned = scan_image(image, rng)
        buf = io.BytesIO()
        scanned.save(buf, format="JPEG", quality=quality)
        out.append((width, height, scanned, buf.getvalue()))
    return images_to_pdf(out)


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """PIL perspective data mapping output points ``dst`` onto input points ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(c) for c in solution]


def _background(size: tuple[int, int], rng: random.Random, gen: np.random.Generator) -> Image.Image:
    """A table top or cloth: a base colour with streaky grain, computed small and enlarged."""
    w, h = size[0] // 6 + 1, size[1] // 6 + 1
    base = np.array(
        rng.choice(((120, 85, 55), (95, 95, 100), (60, 62, 70), (150, 130, 105), (35, 40, 48))),
        dtype=np.float32,
    )
    grain = np.repeat(gen.standard_normal((h, 1), dtype=np.float32) * 9, w, axis=1)
    arr = base[None, None, :] + grain[:, :, None] + gen.standard_normal((h, w, 1), dtype=np.float32) * 3
    small = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return small.resize(size, Image.Resampling.BILINEAR)


def photo_image(image: Image.Image, rng: random.Random) -> Image.Image:
    """A printed page photographed on a table with a phone."""
    gen = np.random.default_rng(rng.getrandbits(64))
    pw, ph = image.size
    margin = rng.uniform(0.05, 0.11)
    cw, ch = int(pw * (1 + 2 * margin)), int(ph * (1 + 2 * margin))
    ox, oy = margin * pw, margin * ph
    corners = [(ox, oy), (ox + pw, oy), (ox + pw, oy + ph), (ox, oy + ph)]
    dst = [(x + rng.uniform(-0.03, 0.03) * cw, y + rng.uniform(-0.03, 0.03) * ch) for x, y in corners]
    coeffs = _perspective_coeffs(dst, [(0, 0), (pw, 0), (pw, ph), (0, ph)])
    page = image.transform(
        (cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=(0, 0, 0)
    )
    mask = Image.new("L", image.size, 255).transform(
        (cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=0
    )
    photo = Image.composite(page, _background((cw, ch), rng, gen), mask)
    yy = np.linspace(-1, 1, ch // 16 + 1, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, cw // 16 + 1, dtype=np.float32)[None, :]
    angle = rng.uniform(0, 6.283)
    light = 0.9 + rng.uniform(0.06, 0.1) * (np.cos(angle) * xx + np.sin(angle) * yy)
    light -= rng.uniform(0.04, 0.1) * (xx**2 + yy**2)
    cast = (1.0, rng.uniform(0.96, 0.99), rng.uniform(0.88, 0.95))
    field = np.stack([light * c for c in cast], axis=2)
    photo = ImageChops.multiply(
        photo,
        Image.fromarray(np.clip(field * 255, 0, 255).astype(np.uint8)).resize(
            (cw, ch), Image.Resampling.BILINEAR
        ),
    )
    return ImageChops.add(photo, _noise_layer((cw, ch), "RGB", rng.uniform(1.5, 3.5), gen), 1.0, -128)


def photos(pdf: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    """Every page of ``pdf`` photographed: (file extension, bytes) per page."""
    dpi = rng.uniform(185, 215)
    as_png = rng.random() < 0.3
    out = []
    for _, _, image in render_pages(pdf, dpi, grey=False):
        picture = photo_image(image, rng)
        buf = io.BytesIO()
        if as_png:
            # A 128-colour palette keeps a PNG photo to about a megabyte; text stays sharp.
            picture.quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(
                buf, format="PNG", compress_level=3
            )
            out.append(("png", buf.getvalue()))
        else:
            picture.save(buf, format="JPEG", quality=rng.randint(78, 92))
            out.append(("jpg", buf.getvalue()))
    return out
