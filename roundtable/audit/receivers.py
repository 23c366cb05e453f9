"""Audit receivers for sign-in events raised by Django, allauth and axes (filled in by the auth work)."""

from __future__ import annotations
