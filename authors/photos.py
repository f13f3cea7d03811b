"""Author photos: only real images, without metadata, no larger than needed, with a thumbnail.

``prepare_photo`` opens the upload with Pillow and refuses anything it cannot fully decode: a
text file with an image's name, a truncated file, or a "decompression bomb" (a small file that
claims an enormous picture, refused from its header before any pixel is decoded). What passes is
re-encoded from the pixels alone, so EXIF (camera, GPS position, dates) is gone.

Memory stays bounded whatever the upload: a JPEG is decoded in draft mode, straight at about the
size it is shown (a 36-megapixel photo decodes as a few megapixels); other formats, which Pillow
must decode whole, are refused above ``AUTHOR_PHOTO_MAX_PIXELS``, counting every frame of an
animation (only the first is used).

``store_photo`` writes the photo and thumbnail before the author is saved. A disk that is full
or read-only gives a form error, leaves no partial file, and the old photo stays. The files of
a photo replaced or removed are deleted once the author's new row is committed.
"""

import io
import logging
import warnings
from contextlib import suppress
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Author

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Of the upload's name, kept in the stored files' names (the column holds 100 characters with
# the folder, "-thumb.jpg" and a suffix that makes a name free).
MAX_STEM = 40
logger = logging.getLogger(__name__)


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
    if image.format == "JPEG":
        limit = settings.AUTHOR_PHOTO_MAX_JPEG_PIXELS
        # Decode at a fraction of the size (1/2 to 1/8), just above what is kept.
        side = settings.AUTHOR_PHOTO_MAX_SIDE
        image.draft("RGB", (side, side))
        frames = 1
    else:
        limit = settings.AUTHOR_PHOTO_MAX_PIXELS
        frames = _frames(image)
    if width * height * frames > limit:
        many = f" in {frames} frames" if frames > 1 else ""
        raise ValidationError(
            f"This image is {width} x {height} pixels{many}; at most {limit:,} pixels are "
            "accepted.",
            code="too_large",
        )
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(
            "This image is damaged or incomplete (was the upload cut short?).", code="truncated"
        ) from exc
    return image


def _frames(image):
    """The frames of an animation, counted without decoding them, up to the cap plus one."""
    try:
        count = getattr(image, "n_frames", 1)
    except (OSError, ValueError, EOFError):
        return settings.AUTHOR_PHOTO_MAX_FRAMES + 1
    if count > settings.AUTHOR_PHOTO_MAX_FRAMES:
        raise ValidationError(
            f"This animation has {count} frames; at most "
            f"{settings.AUTHOR_PHOTO_MAX_FRAMES} are accepted (only the first is shown).",
            code="too_large",
        )
    return count


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
    stem = PurePath(getattr(upload, "name", "") or "photo").stem[:MAX_STEM] or "photo"
    return PreparedPhoto(
        photo=ContentFile(_jpeg(image), name=f"{stem}.jpg"),
        thumbnail=ContentFile(_jpeg(thumbnail), name=f"{stem}-thumb.jpg"),
    )


@dataclass(frozen=True)
class StoredPhoto:
    photo: str
    thumbnail: str


def _save(field, content):
    """Write ``content`` under a free name for ``field``; on failure remove what was written."""
    storage = field.storage
    # Within the column's length, a suffix that makes the name free included.
    name = storage.get_available_name(
        field.generate_filename(None, content.name), max_length=field.max_length
    )
    try:
        return storage.save(name, content, max_length=field.max_length)
    except OSError:
        with suppress(OSError):  # the partial file, if the storage let it be written
            storage.delete(name)
        raise


def store_photo(prepared):
    """Write the prepared files to the media storage, before anything is saved to the database.

    Raises ``ValidationError`` (and leaves no file behind) when the storage cannot take them.
    """
    fields = {field.name: field for field in Author._meta.get_fields() if hasattr(field, "storage")}
    written = []
    try:
        for field_name, content in [
            ("photo", prepared.photo),
            ("photo_thumbnail", prepared.thumbnail),
        ]:
            written.append((fields[field_name], _save(fields[field_name], content)))
    except OSError as error:
        for field, name in written:
            field.storage.delete(name)
        logger.error("Author photo not stored: %s", error)
        raise ValidationError(
            "The photo could not be stored: the server's storage is full or not writable. "
            "Nothing was changed (the previous photo stays). Please try again later, or tell "
            "the site's operator.",
            code="storage",
        ) from error
    return StoredPhoto(photo=written[0][1], thumbnail=written[1][1])


def set_photo(author, stored):
    """Point ``author`` at stored photo files (saved with the author); the raw upload is
    never written."""
    author.photo = stored.photo
    author.photo_thumbnail = stored.thumbnail


def files_of(author):
    """The photo files ``author``'s row points at in the database (none for a new author)."""
    if author.pk is None:
        return set()
    row = Author.objects.filter(pk=author.pk).values_list("photo", "photo_thumbnail").first()
    return {name for name in row or () if name}


def delete_unused_after_commit(author, previous):
    """Once the transaction that saves ``author`` commits, delete the files among ``previous``
    (``files_of`` before the change) that it no longer points at. A rollback keeps them: the
    row still points at them."""
    unused = previous - {author.photo.name, author.photo_thumbnail.name}
    if unused:
        storage = Author._meta.get_field("photo").storage
        transaction.on_commit(lambda: _delete(storage, unused))


def _delete(storage, names):
    for name in sorted(names):
        try:
            storage.delete(name)
        except OSError as error:
            # A file left behind costs disk space only; the author is saved.
            logger.warning("Replaced author photo %s not deleted: %s", name, error)
