"""How the statement pages and PDF write hours and money: {% load statements %}."""

from __future__ import annotations

from decimal import Decimal

from django import template

from billing.statements import hours_text

register = template.Library()

# No break inside a figure: "R 1 750.00" never wraps after its R or a thousands gap.
NBSP = "\u00a0"
MINUS = "\u2212"


@register.filter
def hours(value) -> str:
    """Decimal("3.00") → "3", Decimal("4.50") → "4.5", Decimal("-3") → "−3"; None → "–"."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    return f"{MINUS}{hours_text(-number)}" if number < 0 else hours_text(number)


@register.filter
def signed_hours(value) -> str:
    """A difference of hours: "+1", "−0.5", "0"."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    if number > 0:
        return f"+{hours_text(number)}"
    if number < 0:
        return f"{MINUS}{hours_text(-number)}"
    return "0"


@register.filter
def rands(value) -> str:
    """ZAR as South African invoices write it: Decimal("1750") → "R 1 750.00",
    Decimal("-750") → "−R 750.00"; None → "–"."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    text = f"{abs(number):,.2f}".replace(",", NBSP)
    sign = MINUS if number < 0 else ""
    return f"{sign}R{NBSP}{text}"
