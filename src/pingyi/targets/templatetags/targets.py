from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template

from pingyi.core.pure.officesheet import show_exact

register = template.Library()


@register.filter
def exact(value: Fraction | Decimal | int | None, places: int = 4) -> str:
    """An exact number with at most ``places`` decimals (half up): ``{{ x|exact:2 }}``."""
    return show_exact(value, places) or "—"
