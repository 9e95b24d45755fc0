"""Every file a person or a program sends us goes through ``receive()``.

A file is accepted as one *kind* (a photo, a PDF, a JSON document). A kind lists the
file types it takes; a type is recognised by the first bytes of its content, never by
its name or the content type the client declared. A file is read up to the kind's size
limit and no further. Images are decoded by Pillow with exactly the one decoder of the
type found (``Image.open(fp, formats=[...])``), so no file ever reaches a decoder we do
not promise (EPS would run Ghostscript); their pixels are counted before they are
decoded. Other types are kept as bytes: a PDF is never rasterised here, and it goes
back out only as a download (``file_response``). Nothing here calls a shell or another
program.

Adding a kind is one entry in ``KINDS`` (and its limit in settings); adding a type is one
``FileType``. The front doors use the kind through ``UploadField`` (Django forms) and
``Upload[kind]`` (django-ninja handlers); services call ``receive()`` themselves, so a
script calling a service is held to the same rules. tests/test_uploads.py fails when a
file field or a multipart endpoint bypasses them.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Annotated, Any, BinaryIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File
from ninja.files import UploadedFile
from PIL import Image, ImageFile
from pydantic import AfterValidator, ValidationInfo

# ---------------------------------------------------------------- file types


def _riff(kind: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == kind


def _json(head: bytes) -> bool:
    # A JSON document is UTF-8 text whose first character is an object or an array.
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return text[:1] in (b"{", b"[")


@dataclass(frozen=True)
class FileType:
    """One file format as it is recognised, stored and served."""

    name: str
    media_type: str
    extension: str
    sniff: Callable[[bytes], bool] = field(repr=False)
    # The one Pillow decoder that opens it; None: the bytes are kept, never decoded.
    pillow_format: str | None = None
    # Text: the whole file must be UTF-8.
    text: bool = False


JPEG = FileType("jpeg", "image/jpeg", ".jpg", lambda h: h[:3] == b"\xff\xd8\xff", "JPEG")
PNG = FileType("png", "image/png", ".png", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", "PNG")
WEBP = FileType("webp", "image/webp", ".webp", _riff(b"WEBP"), "WEBP")
PDF = FileType("pdf", "application/pdf", ".pdf", lambda h: h[:5] == b"%PDF-")
JSON = FileType("json", "application/json", ".json", _json, text=True)

FILE_TYPES = (JPEG, PNG, WEBP, PDF, JSON)
# Enough of the start of a file to recognise any type above.
HEAD_BYTES = 1024


# ---------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    """What a file field accepts: its types, its size limit, its messages."""

    name: str
    types: tuple[FileType, ...] = field(repr=False)
    # A setting ending in _MB or _KB: the largest file of this kind.
    size_setting: str
    refused: Promise
    too_large: Promise  # may use %(limit)s ("15 MB")
    missing: Promise
    # A setting: the most pixels an image of this kind may have (before it is decoded).
    pixels_setting: str | None = None

    @property
    def max_bytes(self) -> int:
        value = int(getattr(settings, self.size_setting))
        return value * (1024 * 1024 if self.size_setting.endswith("_MB") else 1024)

    @property
    def limit_text(self) -> str:
        unit = "MB" if self.size_setting.endswith("_MB") else "KB"
        return f"{getattr(settings, self.size_setting)} {unit}"

    @property
    def max_pixels(self) -> int | None:
        return int(getattr(settings, self.pixels_setting)) if self.pixels_setting else None

    @property
    def accept(self) -> str:
        """For a file input's ``accept``: the phone offers (and converts to) these."""
        # Browsers know the image types; a document is also named by its extension.
        return ",".join(
            [t.media_type for t in self.types]
            + [t.extension for t in self.types if t.pillow_format is None]
        )

    def __str__(self) -> str:
        return self.name


PHOTO = Kind(
    name="photo",
    types=(JPEG, PNG, WEBP),
    size_setting="PHOTO_MAX_UPLOAD_MB",
    pixels_setting="PHOTO_MAX_PIXELS",
    refused=gettext_lazy("This file is not a photo we can read (JPEG, PNG, WebP)."),
    too_large=gettext_lazy("The photo is larger than %(limit)s."),
    missing=gettext_lazy("Choose a photo."),
)
PDF_DOCUMENT = Kind(
    name="pdf",
    types=(PDF,),
    size_setting="PDF_MAX_UPLOAD_MB",
    refused=gettext_lazy("This file is not a PDF document."),
    too_large=gettext_lazy("The PDF document is larger than %(limit)s."),
    missing=gettext_lazy("Choose a file."),
)
CBS_DOCUMENT = Kind(
    name="cbs",
    types=(JSON,),
    size_setting="CBS_MAX_UPLOAD_KB",
    refused=gettext_lazy("This file is not a JSON document."),
    too_large=gettext_lazy("This file is too large for a CBS document."),
    missing=gettext_lazy("Choose a file."),
)

KINDS = {kind.name: kind for kind in (PHOTO, PDF_DOCUMENT, CBS_DOCUMENT)}


# ---------------------------------------------------------------- receiving


@dataclass(frozen=True, eq=False)
class Received:
    """A file that passed its kind's checks: its type, its bytes, and for an image the
    decoded picture. ``name`` is random, with the type's extension."""

    kind: Kind
    type: FileType
    content: bytes = field(repr=False)
    image: Image.Image | None = field(default=None, repr=False)
    name: str = field(default="")

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", random_name(self.type.extension))

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def text(self) -> str:
        """The content of a text type (JSON), decoded."""
        return self.content.decode("utf-8-sig")

    def as_file(self) -> ContentFile:
        """The bytes as they came, to be stored (a PDF, a document); a photo is stored
        re-encoded instead."""
        return ContentFile(self.content, name=self.name)


def random_name(extension: str = "") -> str:
    # Random names: a guessed URL must not reveal another car's files, and a client's
    # file name never reaches the disk.
    return f"{uuid.uuid4().hex}{extension}"


def _refuse(message: Any, field_name: str | None, **params: Any) -> ValidationError:
    text = str(message) % params if params else str(message)
    return ValidationError({field_name: [text]}) if field_name else ValidationError(text)


def _read(upload: Any, limit: int) -> bytes | None:
    """At most ``limit`` + 1 bytes of the upload; None when it is larger than ``limit``."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if isinstance(content, str):
        content = content.encode()
    return None if len(content) > limit else content


def receive(upload: Any, *, kind: Kind, field_name: str | None = None) -> Received:
    """The upload checked as ``kind``, or a ValidationError with the reason a person can
    act on (on ``field_name`` when given). A ``Received`` of that kind passes as is."""
    if isinstance(upload, Received):
        if upload.kind is kind:
            return upload
        upload = io.BytesIO(upload.content)
    if upload is None:
        raise _refuse(kind.missing, field_name)
    content = _read(upload, kind.max_bytes)
    if content is None:
        raise _refuse(kind.too_large, field_name, limit=kind.limit_text)
    head = content[:HEAD_BYTES]
    file_type = next((t for t in kind.types if head and t.sniff(head)), None)
    if file_type is None:
        raise _refuse(kind.refused, field_name)
    if file_type.text:
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refuse(kind.refused, field_name) from None
    pillow_format = file_type.pillow_format
    image = _decode(content, pillow_format, kind, field_name) if pillow_format else None
    return Received(kind=kind, type=file_type, content=content, image=image)


def _decode(content: bytes, pillow_format: str, kind: Kind, field_name: str | None) -> Image.Image:
    """The picture, decoded by the one decoder of its type, its pixels counted first."""
    # WeasyPrint switches Pillow to accept truncated images when it is imported; a photo
    # cut off in transfer must still be refused here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        # Not a context manager: closing the image would discard the decoded pixels.
        image = Image.open(io.BytesIO(content), formats=[pillow_format])
        width, height = image.size
        limit = kind.max_pixels
        if limit is not None and width * height > limit:
            raise _too_many_pixels(limit, field_name)
        image.load()
        return image
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow raises this only while its own limit is set (it is by default).
        limit = kind.max_pixels or Image.MAX_IMAGE_PIXELS or 0
        raise _too_many_pixels(limit, field_name) from None
    except Exception:
        # UnidentifiedImageError, OSError (truncated, corrupt), and whatever else a
        # decoder raises on hostile bytes: the file is refused, never a server error.
        raise _refuse(kind.refused, field_name) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _too_many_pixels(limit: int, field_name: str | None) -> ValidationError:
    return _refuse(
        _("The picture has more than %(megapixels)s million pixels."),
        field_name,
        megapixels=limit // 1_000_000,
    )


# ---------------------------------------------------------------- front doors


class UploadField(forms.FileField):
    """The one file field of our forms: its cleaned value is a ``Received`` of its kind."""

    def __init__(self, *, kind: Kind, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("widget", forms.ClearableFileInput())
        kwargs.setdefault("error_messages", {}).setdefault("required", kind.missing)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", kind.accept)

    def clean(self, data: Any, initial: Any = None) -> Received | None:
        value = super().clean(data, initial)
        if not value:
            return None
        return receive(value, kind=self.kind)


@dataclass(frozen=True)
class Checked:
    """Marks an API parameter as going through ``receive()`` (tests look for it)."""

    kind: Kind


def _api_receive(kind: Kind) -> Callable[[Any, ValidationInfo], Received]:
    def check(value: Any, info: ValidationInfo) -> Received:
        # A Django ValidationError passes through Pydantic to the API's error handler:
        # 400 with the message on the parameter's name.
        return receive(value, kind=kind, field_name=info.field_name or "file")

    return check


class Upload:
    """``image: Upload[PHOTO]`` in a django-ninja handler: a multipart file part that
    arrives as a ``Received`` of that kind, or the request is refused with 400."""

    def __class_getitem__(cls, kind: Kind) -> Any:
        return Annotated[UploadedFile, AfterValidator(_api_receive(kind)), Checked(kind), File(...)]


def random_upload_to(
    upload_to: Callable[[Any, str], str],
) -> Callable[[Any, str], str]:
    """For a model FileField's ``upload_to``: the file is stored under a random name
    (with the extension of one of our types), whatever name it was given."""

    known = {t.extension for t in FILE_TYPES}

    @wraps(upload_to)
    def path(instance: Any, filename: str) -> str:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return upload_to(instance, random_name(suffix if suffix in known else ""))

    # The mark the check over every FileField reads; mypy has no attributes on functions.
    path.random_names = True  # type: ignore[attr-defined]
    return path


# ---------------------------------------------------------------- serving


def file_response(
    handle: BinaryIO, *, file_type: FileType, filename: str | None = None
) -> FileResponse:
    """A stored file going back out. Only pictures we re-encoded are shown inline; any
    other type (a PDF) is a download, so the browser never renders it in our origin."""
    inline = file_type.pillow_format is not None
    name = filename or random_name(file_type.extension)
    response = FileResponse(
        handle, content_type=file_type.media_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        response["Content-Security-Policy"] = "sandbox"
    return response
