"""A small picture of a setup: the network's output over the plane with the training points on it, as an
SVG (the map is an embedded PNG). Used for the lesson gallery; drawn from the trainer, never from the page."""
from __future__ import annotations

import base64
import struct
import zlib
from html import escape

import numpy as np

from engine import probes
from engine.datasets import EXTENT

NEGATIVE, ZERO, POSITIVE = np.array([245, 147, 34.0]), np.array([232, 234, 235.0]), np.array([8, 119, 189.0])
CLASS_COLORS = np.array([NEGATIVE, POSITIVE, [42, 157, 92], [155, 89, 182], [214, 69, 75]], dtype=float)
MAX_POINTS = 300


def png(rgb: np.ndarray) -> bytes:
    """``rgb (H, W, 3)`` uint8 as a PNG file."""
    height, width, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[r].tobytes() for r in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _scale_colors(values: np.ndarray) -> np.ndarray:
    """TFP's diverging scale: orange (−1) ↔ grey (0) ↔ blue (+1); non-finite values grey."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1.0, 1.0)[..., None]
    return np.where(v < 0, ZERO + (NEGATIVE - ZERO) * -v, ZERO + (POSITIVE - ZERO) * v)


def output_colors(trainer, size: int) -> np.ndarray:
    """The output over [-6, 6]² as ``(size, size, 3)`` uint8, row 0 at the top (y = +6)."""
    with np.errstate(all="ignore"):
        y_hat = probes.grid_maps(trainer, size)[-1]
        if trainer.config.output == "softmax":
            k = y_hat.shape[1]
            confidence = np.clip((y_hat.max(axis=1) - 1 / k) / (1 - 1 / k), 0, 1)[:, None]
            colors = ZERO + (CLASS_COLORS[y_hat.argmax(axis=1) % len(CLASS_COLORS)] - ZERO) * confidence
        else:  # TFP's −1 … +1 scale: 2p − 1 for a sigmoid, the value itself for tanh or linear
            colors = _scale_colors(2.0 * y_hat[:, 0] - 1.0 if trainer.config.output == "sigmoid" else y_hat[:, 0])
    return np.rint(colors).reshape(size, size, 3).astype(np.uint8)


def _point_color(trainer, label: float) -> str:
    if trainer.config.problem == "regression":
        color = _scale_colors(np.array([label]))[0]
    elif trainer.num_classes > 2:
        color = CLASS_COLORS[int(label) % len(CLASS_COLORS)]
    else:
        color = POSITIVE if label > 0 else NEGATIVE
    return "#%02x%02x%02x" % tuple(int(c) for c in color)


def setup_svg(trainer, title: str, size: int = 48, pixels: int = 160) -> str:
    """An SVG of ``pixels``² CSS pixels: the output map and up to ``MAX_POINTS`` training points."""
    image = base64.b64encode(png(output_colors(trainer, size))).decode("ascii")
    scale = pixels / (2 * EXTENT)
    circles = [
        f'<circle cx="{(x + EXTENT) * scale:.1f}" cy="{(EXTENT - y) * scale:.1f}" r="2.2" '
        f'fill="{_point_color(trainer, label)}"/>'
        for (x, y), label in zip(trainer.x_train[:MAX_POINTS], trainer.y_train[:MAX_POINTS])]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
            f'viewBox="0 0 {pixels} {pixels}" role="img"><title>{escape(title)}</title>'
            f'<image width="{pixels}" height="{pixels}" preserveAspectRatio="none" style="image-rendering:pixelated" '
            f'href="data:image/png;base64,{image}"/>'
            f'<g stroke="#fff" stroke-width="0.6">{"".join(circles)}</g></svg>')
