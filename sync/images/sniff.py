"""What raster image some bytes are, read from their signature: the upstream's Content-Type is not trusted."""

RASTER_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif")
AVIF_BRANDS = (b"avif", b"avis")


def sniff(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF, WebP or AVIF image; None for anything else (SVG, HTML, text)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and _avif_brand(data):
        return "image/avif"
    return None


def _avif_brand(data: bytes) -> bool:
    # An ISO-BMFF `ftyp` box: its size, the type, a major brand, a minor version, then compatible brands.
    size = int.from_bytes(data[:4], "big")
    if size < 16 or size > len(data):
        return False
    brands = [data[8:12]] + [data[offset : offset + 4] for offset in range(16, size - 3, 4)]
    return any(brand in AVIF_BRANDS for brand in brands)
