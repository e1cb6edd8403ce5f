"""Placeholder images for the demo's fictional accounts and repositories: a small PNG drawn here, so a site
built on `serve --demo` with the image proxy on makes no request off its own origin."""

import hashlib
import struct
import zlib

# Where the demo data's curated pictures claim to live (a reserved name): allowed in demo mode, never fetched.
DEMO_IMAGE_ORIGIN = "https://images.example.com"
SIDE = 64  # pixels; browsers scale it to any avatar size
CELLS = 8  # a symmetric 8×8 pattern of 8-pixel cells, like GitHub's identicons


def placeholder_png(seed: str) -> bytes:
    """The same picture for the same seed: two colours from its hash, a mirrored pattern of cells."""
    digest = hashlib.sha256(seed.encode()).digest()
    ink = bytes((64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160))
    paper = b"\xf0\xf0\xf0"
    bits = int.from_bytes(digest[3:11], "big")
    rows = []
    for y in range(SIDE):
        cells = []
        for x in range(CELLS):
            column = x if x < CELLS // 2 else CELLS - 1 - x  # mirrored left to right
            cells.append(ink if bits >> ((y * CELLS // SIDE) * (CELLS // 2) + column) & 1 else paper)
        rows.append(b"\x00" + b"".join(cell * (SIDE // CELLS) for cell in cells))  # filter type 0 per row
    return _png(SIDE, SIDE, b"".join(rows))


def _png(width: int, height: int, scanlines: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    chunks = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(scanlines)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
