"""Author photos: only real images, without metadata, no larger than needed, with a thumbnail.

``prepare_photo`` opens the upload with Pillow and refuses anything it cannot fully decode: a
text file with an image's name, a truncated file, or a "decompression bomb" (a small file that
claims an enormous picture, refused from its header before any pixel is decoded). What passes is
re-encoded from the pixels alone, so EXIF (camera, GPS position, dates) is gone.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class PreparedPhoto:
    photo: ContentFile
    thumbnail: ContentFile


def _open(upload):
    size = getattr(upload, "size", None)
    if size is not None and size > settings.AUTHOR_PHOTO_MAX_BYTES:
        raise ValidationError(
            f"This file is {size / 1_000_000:.1f} MB; photos may be at most "
            f"{settings.AUTHOR_PHOTO_MAX_BYTES / 1_000_000:.0f} MB.",
            code="too_big",
        )
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(
                "This image claims too many pixels to be opened safely.", code="too_large"
            ) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise ValidationError(
                "This file is not an image Pillow can read (JPEG, PNG, WebP or GIF).",
                code="not_an_image",
            ) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"{image.format} images are not accepted: upload a JPEG, PNG, WebP or GIF.",
            code="format",
        )
    width, height = image.size
    if width * height > settings.AUTHOR_PHOTO_MAX_PIXELS:
        raise ValidationError(
            f"This image is {width} x {height} pixels; at most "
            f"{settings.AUTHOR_PHOTO_MAX_PIXELS:,} pixels are accepted.",
            code="too_large",
        )
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(
            "This image is damaged or incomplete (was the upload cut short?).", code="truncated"
        ) from exc
    return image


def _jpeg(image):
    buffer = io.BytesIO()
    # No exif= argument: the saved file carries pixels only.
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def prepare_photo(upload):
    """Validate ``upload`` and return the cleaned photo and its square thumbnail as JPEGs."""
    image = _open(upload)
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    side = settings.AUTHOR_PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    thumb_side = settings.AUTHOR_PHOTO_THUMBNAIL_SIDE
    thumbnail = ImageOps.fit(image, (thumb_side, thumb_side), Image.Resampling.LANCZOS)
    stem = PurePath(getattr(upload, "name", "") or "photo").stem[:80] or "photo"
    return PreparedPhoto(
        photo=ContentFile(_jpeg(image), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_jpeg(thumbnail), name=f"{stem}-thumb.jpg"),
    )


def set_photo(author, prepared):
    """Store a prepared photo and thumbnail on ``author`` (saved with the author)."""
    author.photo.save(prepared.photo.name, prepared.photo, save=False)
    author.photo_thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)


def clear_photo(author):
    author.photo = ""
    author.photo_thumbnail = ""
