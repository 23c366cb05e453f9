"""Helpers for the profile tests: teams of the personas, images to upload, a private media dir."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from roundtable.directory.models import Team, User


def team_of(user: User) -> Team:
    """The persona's one team."""
    return user.memberships.get().team


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A small real image in the given format."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def media_dir(settings, tmp_path):
    """Uploaded files go to a temporary folder for the test, never the real media store."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"
