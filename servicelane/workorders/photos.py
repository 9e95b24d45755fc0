"""Photos from the bay: checked to be images, turned upright, resized, stored as JPEG."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# Refuse decompression bombs early: no camera delivers more than this.
Image.MAX_IMAGE_PIXELS = 60_000_000


def resized_jpeg(upload) -> tuple[ContentFile, int, int]:
    """The upload as a JPEG no larger than PHOTO_MAX_SIDE on its longest side.

    Metadata (GPS position, camera serial) is dropped with the re-encoding.
    """
    if upload is None:
        raise ValidationError({"image": [_("Choose a photo.")]})
    if upload.size > settings.PHOTO_MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(
            {
                "image": [
                    _("The photo is larger than %(mb)s MB.") % {"mb": settings.PHOTO_MAX_UPLOAD_MB}
                ]
            }
        )
    # WeasyPrint switches Pillow to accept truncated images when it is imported; a photo
    # cut off in transfer must still be refused here.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError(
            {"image": [_("This file is not a photo we can read (JPEG, PNG, WebP).")]}
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    side = settings.PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue()), image.width, image.height


def file_name() -> str:
    # Random names: a guessed URL must not reveal another car's photos.
    return f"{uuid.uuid4().hex}.jpg"
