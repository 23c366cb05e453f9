"""Checking an uploaded photo and making its stored copies: Pillow decides, not the file's name.

A photo is accepted only when Pillow can open and fully decode it as JPEG, PNG or WebP and it is
within ``ROUNDTABLE_PHOTO_MAX_BYTES``. What is stored is Pillow's re-encoding (which drops
metadata such as the GPS position a phone writes, and anything smuggled after the image data),
under a random name, plus a small thumbnail. This module never saves anything itself and never
decides who may see a photo: the service stores, and the photo view asks the policy.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
THUMBNAIL_SIZE = (240, 240)
#: A bigger picture than this is refused before decoding: a small file can still expand to
#: gigabytes of pixels (a "decompression bomb").
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    """The photo and thumbnail to store, re-encoded and named by us."""

    photo: ContentFile[bytes]
    thumbnail: ContentFile[bytes]


def _size_message(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"The photo must be smaller than {megabytes:g} MB"


def _decode(data: bytes) -> Image.Image:
    """Open and fully decode the bytes, or ValidationError; whatever the upload's name says."""
    not_a_photo = ValidationError(
        "The selected file must be a photo in JPG, PNG or WebP format", code="invalid_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise not_a_photo
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(
                        "The photo is too large in pixels: use one under 40 megapixels",
                        code="too_many_pixels",
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise not_a_photo from None
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def prepare_photo(*, data: bytes) -> PreparedPhoto:
    """Check an upload and return the copies to store; ValidationError with a plain message."""
    limit = int(settings.ROUNDTABLE_PHOTO_MAX_BYTES)
    if not data:
        raise ValidationError("The selected file is empty", code="empty")
    if len(data) > limit:
        raise ValidationError(_size_message(limit), code="too_big")
    image = _decode(data)
    fmt = str(image.format)
    upright = ImageOps.exif_transpose(image)
    stem = uuid.uuid4().hex
    extension = ALLOWED_FORMATS[fmt]
    thumbnail = upright.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    return PreparedPhoto(
        photo=ContentFile(_encode(upright, fmt), name=f"{stem}.{extension}"),
        thumbnail=ContentFile(_encode(thumbnail, fmt), name=f"{stem}-thumb.{extension}"),
    )


def content_type_for(name: str) -> str:
    """The content type to serve a stored photo with (from our own name, never the upload's)."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
