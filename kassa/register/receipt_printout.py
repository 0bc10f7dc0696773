"""A receipt as a Printout: every item of SKVFS 2014:9 7 kap. 1 §, one layout for every output.

1 the company's name and org. number · 2 the address of the place of sale · 3 date and time ·
4 the serial number · 5 the register's designation · 6 goods (names, quantities) ·
7 services (names, quantities) · 8 amount per item incl. VAT and the total to pay · 9 the VAT ·
10 the VAT per rate · 11 the means of payment · 12 the control unit's manufacturing number
(with the control code) · 13 "Elektroniskt kassakvitto" when sent electronically.
A copy, a training receipt and a pro forma carry KOPIA, ÖVNINGSKVITTO, EJ KVITTO in double
size at the top and the bottom. A voided receipt (a number the control unit holds from a sale that
was not completed, kassa.register.unit_attempts) is never handed out; shown, it says MAKULERAT.
"""
from __future__ import annotations

from kassa.devices.printout import Printout
from kassa.register.clock import format_local
from kassa.register.document import DocLine, ReceiptDocument
from kassa.register.layout import Lines, kr, qty
from kassa.register.payments import method_label

ELECTRONIC = "Elektroniskt kassakvitto"


def marks(doc: ReceiptDocument) -> list[str]:
    """The markings that may not be left out or changed (printed twice as high as the amounts)."""
    out = []
    if doc.kind == "copy":
        out.append("KOPIA")
    if doc.training:
        out.append("ÖVNINGSKVITTO")
    if doc.kind == "proforma":
        out.append("EJ KVITTO")
    if doc.kind == "void":
        out.append("MAKULERAT")
    return out


def title(doc: ReceiptDocument) -> str:
    if doc.kind == "proforma":
        return "PRO FORMA"
    if doc.kind == "void":
        return "MAKULERAT KVITTO"
    if doc.training:  # not a receipt of a sale: it must not read as one
        return "ÖVNING, RETUR" if doc.is_return else "ÖVNING, INGET KÖP"
    return "RETURKVITTO" if doc.is_return else "KASSAKVITTO"


def _return_line(out: Lines, doc: ReceiptDocument) -> None:
    """What a return was made against: a receipt, or none. A copy keeps it in `extra` (its original_serial
    is the receipt copied); a copy made before Kassa kept it says nothing rather than something wrong."""
    if not doc.is_return:
        return
    if doc.kind == "copy" and "return_of" not in doc.extra:
        return
    returned = doc.extra["return_of"] if doc.kind == "copy" else doc.original_serial
    if returned is not None:
        out.pair("Retur av kvitto nr", str(returned))
    else:
        out.add("Retur utan kvitto")


def _line(out: Lines, line: DocLine, sign: int) -> None:
    out.add(line.name)
    unit = "" if line.unit in ("EA", "") else f" {line.unit}"
    out.pair(f"  {qty(sign * line.quantity)}{unit} x {kr(line.unit_price)}  {line.vat_rate} %",
             kr(sign * (line.amount + line.discount)))
    if line.discount:
        out.pair("  Rabatt", kr(-sign * line.discount))


def receipt_printout(doc: ReceiptDocument, *, open_drawer: bool = False) -> Printout:
    out = Lines()
    sign = -1 if doc.is_return else 1
    for mark in marks(doc):
        out.add(mark, "double", "center")
    out.add(title(doc), "bold", "center")
    out.add(doc.seller.name, "bold", "center")  # 1
    out.add(f"Org.nr {doc.seller.org_number}", align="center")  # 1
    if doc.seller.address:
        out.add(doc.seller.address, align="center")  # 2
    out.blank()
    if doc.kind == "copy":
        out.pair("Datum", format_local(doc.original_created_at or doc.created_at))  # 3
        out.pair("Kvittonummer", str(doc.original_serial))  # 4
        out.pair("Kopia utskriven", format_local(doc.created_at))
        out.pair("Kopians löpnummer", str(doc.serial))
    else:
        out.pair("Datum", format_local(doc.created_at))  # 3
        out.pair("Kvittonummer", str(doc.serial))  # 4
    out.pair("Kassa", doc.till)  # 5
    _return_line(out, doc)
    out.rule()
    goods = [line for line in doc.lines if not line.service]
    services = [line for line in doc.lines if line.service]
    if goods:
        out.add("Returnerade varor" if doc.is_return else "Varor", "bold")  # 6
        for line in goods:
            _line(out, line, sign)
    if services:
        out.add("Returnerade tjänster" if doc.is_return else "Tjänster", "bold")  # 7
        for line in services:
            _line(out, line, sign)
    out.rule()
    out.pair("Summa", kr(sign * doc.total))
    if doc.rounding:
        out.pair("Öresavrundning", kr(sign * doc.rounding))
    out.pair("ATT ÅTERBETALA" if doc.is_return else "ATT BETALA", kr(doc.payable), "bold")  # 8
    out.pair("Varav moms", kr(sign * doc.vat_total))  # 9
    out.blank()
    out.add("Moms %      Netto        Moms      Brutto")  # 10
    for vat in doc.vat:
        out.add(f"{vat.rate:>5}  {kr(sign * vat.taxable):>10}  {kr(sign * vat.tax):>10}  "
                f"{kr(sign * (vat.taxable + vat.tax)):>10}")
    if doc.kind == "void":
        out.blank()
        out.add(str(doc.extra.get("reason") or "Ej slutfört; lämnades inte ut."))
    if doc.payments:
        out.blank()
        word = "Återbetalt" if doc.is_return else "Betalt"
        for payment in doc.payments:  # 11
            out.pair(f"{word} {method_label(payment.method).lower()}", kr(payment.amount))
            if payment.tendered is not None and payment.tendered != payment.amount:
                out.pair("  Mottaget", kr(payment.tendered))
            if payment.change:
                out.pair("  Växel", kr(payment.change))
    out.rule()
    if doc.control_unit_id:  # 12
        out.pair("Kontrollenhet", doc.control_unit_id)
        if doc.control_code:  # a unit gives none for training and pro forma receipts
            out.pair("Kontrollkod", doc.control_code)
        if doc.kind == "copy" and doc.original_control_code:
            out.pair("Originalets kontrollkod", doc.original_control_code)
    if doc.electronic:
        out.add(ELECTRONIC, "bold", "center")  # 13
    if doc.kind in ("sale", "copy") and not doc.training and not doc.is_return:
        out.add(f"Kvittokod {doc.code}", align="center")
    for mark in marks(doc):
        out.add(mark, "double", "center")
    return Printout(tuple(out.lines), cut=True, open_drawer=open_drawer)
