from __future__ import annotations

from decimal import Decimal

from django import template

from pingyi.core.pure.officesheet import show_exact

register = template.Library()


@register.filter
def yi(value: Decimal | None) -> str:
    """An amount in 亿元, exact to the 元 (8 places), trailing zeros cut: ``12.35``."""
    return show_exact(value, 8) or "—"
