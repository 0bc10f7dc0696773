"""Cart lines as the journal records them, and as a parked sale keeps them."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from decimal import Decimal
from typing import Any

from kassa.money import ZERO, round_ore
from kassa.till import CartLine


def unit_price_incl_vat(line: CartLine) -> Decimal:
    price = line.unit_price if line.price_includes_vat else line.unit_price * (100 + line.vat_rate) / 100
    return round_ore(price)


def snapshot(line: CartLine, position: int) -> dict[str, Any]:
    """One registered article: what SKVFS 2021:16 exports for it (amounts incl. VAT, as strings)."""
    amount = line.amount_incl_vat
    vat = amount - round_ore(amount * 100 / (100 + line.vat_rate))
    unit_price = unit_price_incl_vat(line)
    discount = round_ore(line.quantity * unit_price) - amount if line.discount_percent else ZERO
    return {
        "position": position, "number": line.article_number, "name": line.description,
        "service": line.is_service, "quantity": str(line.quantity), "unit": line.unit,
        "unit_price": str(unit_price), "amount": str(amount), "discount": str(discount),
        "vat_rate": line.vat_rate, "vat": str(vat),
        "registered_at": line.registered_at.isoformat(timespec="microseconds") if line.registered_at else None,
        "price_overridden": line.price_overridden, "discount_percent": str(line.discount_percent),
    }


def total(lines: list[CartLine]) -> Decimal:
    return sum((line.amount_incl_vat for line in lines), ZERO)


_DECIMALS = {"quantity", "unit_price", "discount_percent", "list_price"}


def to_data(line: CartLine) -> dict[str, Any]:
    """A cart line whole, for a parked sale."""
    data = asdict(line)
    for key in _DECIMALS:
        if data[key] is not None:
            data[key] = str(data[key])
    data["registered_at"] = line.registered_at.isoformat() if line.registered_at else None
    return data


def from_data(data: dict[str, Any]) -> CartLine:
    names = {f.name for f in fields(CartLine)}
    values = {k: v for k, v in data.items() if k in names}
    for key in _DECIMALS:
        if values.get(key) is not None:
            values[key] = Decimal(values[key])
    if values.get("registered_at"):
        values["registered_at"] = dt.datetime.fromisoformat(values["registered_at"])
    return CartLine(**values)
