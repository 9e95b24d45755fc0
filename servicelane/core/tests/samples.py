"""Files of every kind a client might send as a photo: the three we decode, and the
formats Pillow knows (and a few it does not) that we refuse."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# The formats the docs promise for photos; MPO is a JPEG with more frames.
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
JPEG_FAMILY = {"MPO"}

# Encapsulated PostScript: Pillow hands it to Ghostscript when it decodes it.
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n"
    b"%%BoundingBox: 0 0 16 16\n"
    b"%%EndComments\n"
    b"0 0 moveto 16 16 lineto stroke\n"
    b"showpage\n"
    b"%%EOF\n"
)


def picture(fmt: str, size: tuple[int, int] = (16, 12), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1).save(out, fmt, **save)
    return out.getvalue()


def upload(
    data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    """As a phone would send it: the name and the declared type say "JPEG" whatever it is."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def _pillow_made() -> dict[str, bytes]:
    """One small file in every format Pillow writes, other than the three we accept."""
    made: dict[str, bytes] = {}
    Image.init()
    for fmt in sorted(set(Image.SAVE) - set(PHOTO_FORMATS) - JPEG_FAMILY):
        for mode in ("RGB", "L", "1", "P", "F", "I;16"):
            try:
                made[fmt] = picture(fmt, mode=mode)
            except Exception:  # this format needs another mode or a plug-in
                continue
            break
    return made


def _psd() -> bytes:
    # Photoshop: signature, version 1, 3 channels of 1x1 at 8 bits, RGB, empty sections,
    # raw data.
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 1, 1, 8, 3)
    return header + struct.pack(">III", 0, 0, 0) + struct.pack(">H", 0) + b"\xc8\x1e\x1e"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header promises width x height pixels (a decompression
    bomb's first step)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PILLOW_MADE = _pillow_made()

# Everything a photo field must refuse, by name.
REFUSED: dict[str, bytes] = {
    **{f"{fmt.lower()}-made-by-pillow": data for fmt, data in PILLOW_MADE.items()},
    "eps": EPS,
    "eps-behind-a-jpeg-signature": b"\xff\xd8\xff\xe0" + EPS,
    "gif-behind-a-png-signature": b"\x89PNG\r\n\x1a\n" + picture("GIF"),
    "garbage-behind-a-webp-signature": b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\xff" * 24,
    "pdf-as-image": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    "psd": _psd(),
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "text": b"this is not a photo",
    "empty": b"",
}
