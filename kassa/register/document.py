"""A receipt as a document: everything printed on it, as one value.

The register builds a `ReceiptDocument` when it stores a receipt; the document goes whole
into the receipt's journal row (so the journal alone can be exported, SKVFS 2021:16) and is
what every printout of the receipt is drawn from, a copy included.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Seller:
    name: str
    org_number: str
    street: str = ""
    postal_code: str = ""
    city: str = ""

    @property
    def address(self) -> str:
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)


@dataclass(frozen=True)
class DocLine:
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # incl. VAT, per unit, before discount
    amount: Decimal  # incl. VAT, after discount
    vat_rate: int
    vat: Decimal  # the VAT in `amount`
    discount: Decimal = ZERO  # incl. VAT
    service: bool = False
    number: str = ""  # article number
    registered_at: dt.datetime | None = None  # UTC


@dataclass(frozen=True)
class DocVat:
    rate: int
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class DocPayment:
    method: str
    amount: Decimal  # positive; a return pays it back
    tendered: Decimal | None = None
    change: Decimal | None = None


@dataclass(frozen=True)
class ReceiptDocument:
    kind: str  # sale | return | copy | proforma | void (kassa.register.unit_attempts; extra["void_of"])
    till: str
    serial: int
    created_at: dt.datetime  # UTC
    seller: Seller
    lines: tuple[DocLine, ...]
    vat: tuple[DocVat, ...]
    total: Decimal  # incl. VAT, before rounding
    rounding: Decimal
    payable: Decimal
    vat_total: Decimal
    payments: tuple[DocPayment, ...] = ()
    training: bool = False
    electronic: bool = False
    control_code: str = ""
    control_unit_id: str = ""
    original_kind: str = ""  # a copy: the kind of the receipt copied
    original_serial: int | None = None  # a copy: the receipt copied; a return: the receipt returned against
    original_created_at: dt.datetime | None = None
    original_control_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """sale or return: what the document records (a copy records what its original did, a voided
        receipt what it was to be)."""
        kind = str(self.extra.get("void_of") or "") if self.kind == "void" else self.kind
        return self.original_kind if kind == "copy" else kind

    @property
    def is_return(self) -> bool:
        return self.direction == "return"

    @property
    def code(self) -> str:
        """What the receipt prints to be scanned at a return: till and number."""
        return receipt_code(self.till, self.original_serial if self.kind == "copy" else self.serial)

    def with_changes(self, **changes: Any) -> ReceiptDocument:
        return replace(self, **changes)

    # --- JSON (the journal row's data) -----------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = _time(self.created_at)
        data["original_created_at"] = _time(self.original_created_at)
        for line in data["lines"]:
            line["registered_at"] = _time(line["registered_at"])
        return _plain(data)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ReceiptDocument:
        def money(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        lines = tuple(DocLine(
            name=line["name"], quantity=Decimal(str(line["quantity"])), unit=line["unit"],
            unit_price=Decimal(str(line["unit_price"])), amount=Decimal(str(line["amount"])),
            vat_rate=int(line["vat_rate"]), vat=Decimal(str(line["vat"])), discount=Decimal(str(line["discount"])),
            service=bool(line["service"]), number=line.get("number", ""),
            registered_at=_parse_time(line.get("registered_at")),
        ) for line in data["lines"])
        return cls(
            kind=data["kind"], till=data["till"], serial=int(data["serial"]),
            created_at=_parse_time(data["created_at"]) or dt.datetime.min, seller=Seller(**data["seller"]),
            lines=lines,
            vat=tuple(DocVat(int(v["rate"]), Decimal(str(v["taxable"])), Decimal(str(v["tax"]))) for v in data["vat"]),
            total=Decimal(str(data["total"])), rounding=Decimal(str(data["rounding"])),
            payable=Decimal(str(data["payable"])), vat_total=Decimal(str(data["vat_total"])),
            payments=tuple(DocPayment(p["method"], Decimal(str(p["amount"])), money(p.get("tendered")),
                                      money(p.get("change"))) for p in data["payments"]),
            training=bool(data["training"]), electronic=bool(data["electronic"]),
            control_code=data["control_code"], control_unit_id=data["control_unit_id"],
            original_kind=data.get("original_kind", ""), original_serial=data.get("original_serial"),
            original_created_at=_parse_time(data.get("original_created_at")),
            original_control_code=data.get("original_control_code", ""), extra=dict(data.get("extra") or {}),
        )


def receipt_code(till: str, serial: int | None) -> str:
    """kassa-1-000017: printed on the receipt, found again by `parse_receipt_code`."""
    return f"{till}-{int(serial or 0):06d}"


def parse_receipt_code(text: str) -> tuple[str | None, int] | None:
    """(till, serial) from a scanned code, (None, serial) from a bare number; None if neither."""
    text = (text or "").strip()
    if text.isdigit():
        return None, int(text)
    till, sep, number = text.rpartition("-")
    if sep and till and number.isdigit():
        return till, int(number)
    return None


def _plain(value: Any) -> Any:
    """JSON values only: amounts and quantities as strings ("12.50")."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def _time(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="microseconds")


def _parse_time(text: str | None) -> dt.datetime | None:
    return None if not text else dt.datetime.fromisoformat(text)
