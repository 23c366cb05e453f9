"""Template filters for risk figures: decimals as people write them (6.5, 120, 0.75)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    """A decimal without trailing zeros or an exponent: Decimal('120.000') -> '120'."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")
