"""Photos from the bay: received as photos (core/uploads.py), turned upright, resized,
stored as JPEG."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from servicelane.core import uploads


def resized_jpeg(upload: object) -> tuple[ContentFile, int, int]:
    """The upload as a JPEG no larger than PHOTO_MAX_SIDE on its longest side.

    Only JPEG, PNG and WebP are decoded (core/uploads.py). Metadata (GPS position,
    camera serial) is dropped with the re-encoding.
    """
    received = uploads.receive(upload, kind=uploads.PHOTO, field_name="image")
    try:
        image = ImageOps.exif_transpose(received.image)
        image = image.convert("RGB")
    except Exception:
        # A malformed EXIF block in an otherwise readable picture.
        raise ValidationError({"image": [str(uploads.PHOTO.refused)]}) from None
    side = settings.PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue()), image.width, image.height


def file_name() -> str:
    # Random names: a guessed URL must not reveal another car's photos.
    return uploads.random_name(".jpg")
