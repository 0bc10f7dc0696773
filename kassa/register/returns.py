"""Returns against a receipt: what of it can still come back."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from peewee import fn

from kassa.models import Payment, Receipt, Sale, SaleLine
from kassa.till import CartLine, TillError


def returned_quantities(line_ids: list[int]) -> dict[int, Decimal]:
    """How much of each sold line earlier returns (not training ones) took back."""
    if not line_ids:
        return {}
    query = (SaleLine.select(SaleLine.returned_line, fn.SUM(SaleLine.quantity))
             .join(Sale).where(SaleLine.returned_line.in_(line_ids) & (Sale.status == "return"))
             .group_by(SaleLine.returned_line).tuples())
    return {line_id: SaleLine.quantity.python_value(total)
            for line_id, total in cast(Iterable[tuple[int, Any]], query)}


def returnable_lines(receipt: Receipt) -> list[CartLine]:
    """The receipt's lines with what is left to return, as cart lines pointing at the sold line."""
    if receipt.kind != "sale" or receipt.sale_id is None:
        raise TillError(f"Kvitto {receipt.serial} är inget kassakvitto för en försäljning: det går inte att "
                        "returnera mot det.")
    sold = list(SaleLine.select().where(SaleLine.sale == receipt.sale_id).order_by(SaleLine.position))
    done = returned_quantities([line.id for line in sold]) if not receipt.training else {}
    lines = []
    for line in sold:
        left = line.quantity - done.get(line.id, Decimal("0"))
        if left <= 0:
            continue
        lines.append(CartLine(
            description=line.description, quantity=left, unit_price=line.unit_price, vat_rate=line.vat_rate,
            price_includes_vat=line.price_includes_vat, discount_percent=line.discount_percent, unit=line.unit,
            article_id=line.article_id, is_service=line.is_service, returned_line_id=line.id,
        ))
    if not lines:
        raise TillError(f"Allt på kvitto {receipt.serial} är redan returnerat.")
    return lines


def check_quantities(lines: list[CartLine]) -> None:
    """Refuse to return more of a sold line than is left (another return may have taken some)."""
    ids = [line.returned_line_id for line in lines if line.returned_line_id is not None]
    if not ids:
        return
    sold = {line.id: line for line in SaleLine.select().where(SaleLine.id.in_(ids))}
    done = returned_quantities(ids)
    asked: dict[int, Decimal] = {}
    for line in lines:
        if line.returned_line_id is not None:
            asked[line.returned_line_id] = asked.get(line.returned_line_id, Decimal("0")) + line.quantity
    for line_id, quantity in asked.items():
        left = sold[line_id].quantity - done.get(line_id, Decimal("0"))
        if quantity > left:
            raise TillError(f"Av '{sold[line_id].description}' finns {left.normalize():f} kvar att returnera, "
                            f"inte {quantity.normalize():f}.")


def paid_with(receipt: Receipt) -> list[str]:
    """The means the receipt's sale was paid by, largest amount first (a refund goes back the same way)."""
    if receipt.sale_id is None:
        return []
    payments = Payment.select(Payment.method, Payment.amount).where(Payment.sale == receipt.sale_id)
    return [p.method for p in sorted(payments, key=lambda p: p.amount, reverse=True)]
