"""Bankgirot's BgMax file ("Bankgiro Inbetalningar, Teknisk manual"), read strictly.

Fixed 80-character records in ISO-8859-1, the record type in positions 1–2:

    01 start      3–22 layout "BGMAX", 23–24 version, 25–44 time written, 45 T (test) or P
    05 opening    3–12 receiving bankgiro, 13–22 receiving plusgiro, 23–25 currency
    20 payment    3–12 payer's bankgiro, 13–37 reference, 38–55 amount (öre), 56 reference code,
    21 deduction  57 channel, 58–69 BGC serial number, 70 image marker; a deduction: 71 deduction code
    22/23 extra reference (to the payment before; 23 is a negative one), laid out as 20
    25 information 3–52 text
    26 name       3–37 name, 38–72 extra name
    27 address    3–37 address, 38–46 postal code
    28 address    3–37 city, 38–72 country, 73–74 country code
    29 org. no.   3–14 organisation number
    15 deposit    3–37 bank account, 38–45 payment date, 46–50 deposit serial, 51–68 amount (öre),
                  69–71 currency, 72–79 number of payment and deduction records, 80 deposit type
    70 end        3–10 payments, 11–18 deductions, 19–26 extra references, 27–34 deposits

Any departure (a record of another length, an unknown type, a record out of place, a field that
is not what its position holds, a deposit or end record whose totals disagree with the records)
refuses the whole file: BgMaxError says the line and the reason in Swedish.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kassa.money import format_sek

RECORD_LENGTH = 80
LAYOUT = "BGMAX"
ORE = Decimal("0.01")
REFERENCE_CODES = {
    0: "ingen referens", 1: "ingen referens", 2: "OCR-referens", 3: "flera referenser",
    4: "referens", 5: "felaktig referens",
}
CHANNELS = {1: "bank", 2: "Leverantörsbetalningar", 3: "blankett", 4: "Autogiro"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class BgMaxError(ValueError):
    """The file is not a BgMax file Kassa can trust; nothing of it may be used."""

    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"Rad {line}: {reason}" if line else reason)


@dataclass
class ExtraReference:
    line: int
    reference: str
    amount: Decimal
    reference_code: int
    negative: bool  # record 23


@dataclass
class BgMaxPayment:
    line: int
    kind: str  # payment | deduction
    payer_bankgiro: str
    reference: str
    amount: Decimal  # as written: positive
    reference_code: int
    channel: int
    bgc_serial: str
    image: bool
    deduction_code: str = ""
    extra_references: list[ExtraReference] = field(default_factory=list)
    information: list[str] = field(default_factory=list)
    name: str = ""
    extra_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    country_code: str = ""
    org_number: str = ""

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.kind == "deduction" else self.amount


@dataclass
class BgMaxDeposit:
    line: int  # the opening record
    receiving_bankgiro: str
    receiving_plusgiro: str
    currency: str
    payments: list[BgMaxPayment] = field(default_factory=list)
    bank_account: str = ""
    pay_date: dt.date | None = None
    deposit_serial: str = ""
    amount: Decimal = Decimal(0)
    deposit_type: str = ""


@dataclass
class BgMaxFile:
    version: str
    written_at: str
    test: bool
    deposits: list[BgMaxDeposit]

    @property
    def payments(self) -> list[tuple[BgMaxDeposit, BgMaxPayment]]:
        return [(deposit, payment) for deposit in self.deposits for payment in deposit.payments]


def _field(record: str, start: int, end: int) -> str:
    """Positions start–end, 1-based and inclusive, as the manual numbers them."""
    return record[start - 1:end]


class _Reader:
    def __init__(self, lines: list[str]):
        self.lines = lines

    def digits(self, n: int, record: str, start: int, end: int, what: str) -> str:
        value = _field(record, start, end)
        if not value.isdigit() or not value.isascii():
            raise BgMaxError(n, f"{what} (position {start}–{end}) ska vara siffror, men är '{value.strip()}'.")
        return value

    def amount(self, n: int, record: str, start: int, end: int, what: str) -> Decimal:
        return Decimal(int(self.digits(n, record, start, end, what))) * ORE

    def code(self, n: int, record: str, position: int, allowed: str, what: str) -> str:
        value = record[position - 1]
        if value not in allowed:
            raise BgMaxError(n, f"{what} (position {position}) är '{value}', men ska vara en av {', '.join(allowed)}.")
        return value

    def date(self, n: int, record: str, start: int, end: int, what: str) -> dt.date:
        value = self.digits(n, record, start, end, what)
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            raise BgMaxError(n, f"{what} '{value}' är inget giltigt datum.") from None

    def blank(self, n: int, record: str, start: int, what: str) -> None:
        rest = record[start - 1:]
        if rest.strip():
            raise BgMaxError(n, f"positionerna {start}–{RECORD_LENGTH} ska vara blanka i en {what}, "
                                f"men innehåller '{rest.strip()}'.")


def _lines(data: bytes) -> list[str]:
    text = data.decode("iso-8859-1")  # every byte is a character in ISO-8859-1
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file ends with a line break
    out = []
    for n, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if _CONTROL.search(line):
            raise BgMaxError(n, "raden innehåller styrtecken; en BgMax-fil är ren text (ISO-8859-1).")
        out.append(line)
    while out and out[-1] == "":
        out.pop()  # blank lines after the end record
    return out


def parse_bgmax(data: bytes) -> BgMaxFile:
    """The whole file, checked. Raises BgMaxError (line and reason in Swedish)."""
    if not data.strip():
        raise BgMaxError(0, "Filen är tom.")
    lines = _lines(data)
    r = _Reader(lines)
    for n, record in enumerate(lines, start=1):
        if len(record) != RECORD_LENGTH:
            raise BgMaxError(n, f"posten har {len(record)} tecken; varje post i en BgMax-fil har exakt 80.")

    start = lines[0]
    if start[:2] != "01":
        raise BgMaxError(1, f"filen börjar med posttyp '{start[:2]}'; en BgMax-fil börjar med startposten (01).")
    layout = _field(start, 3, 22).rstrip()
    if layout != LAYOUT:
        raise BgMaxError(1, f"layoutnamnet är '{layout}'; Kassa läser bara filer med layouten BGMAX.")
    version = r.digits(1, start, 23, 24, "Versionen")
    if version != "01":
        raise BgMaxError(1, f"BgMax version {version} känner Kassa inte till (bara version 01).")
    written_at = r.digits(1, start, 25, 44, "Tidsstämpeln")
    test = r.code(1, start, 45, "TP", "Testmarkeringen") == "T"
    r.blank(1, start, 46, "startpost")

    deposits: list[BgMaxDeposit] = []
    deposit: BgMaxDeposit | None = None
    payment: BgMaxPayment | None = None
    counts = {"20": 0, "21": 0, "extra": 0, "15": 0}
    end_seen = False
    for n, record in enumerate(lines[1:], start=2):
        kind = record[:2]
        if end_seen:
            raise BgMaxError(n, "det finns poster efter slutposten (70).")
        if kind == "01":
            raise BgMaxError(n, "en andra startpost (01); filen kan vara två filer ihopslagna.")
        if kind == "05":
            if deposit is not None:
                raise BgMaxError(n, f"ett nytt avsnitt (05) börjar innan avsnittet från rad {deposit.line} "
                                    "avslutats med en insättningspost (15).")
            deposit = BgMaxDeposit(
                n, r.digits(n, record, 3, 12, "Mottagarens bankgironummer").lstrip("0"),
                _field(record, 13, 22).strip(), _field(record, 23, 25))
            if not deposit.currency.isalpha() or not deposit.currency.isupper():
                raise BgMaxError(n, f"valutan '{deposit.currency}' är ingen valutakod.")
            r.blank(n, record, 26, "öppningspost")
            payment = None
        elif kind in ("20", "21"):
            if deposit is None:
                raise BgMaxError(n, f"en {'betalningspost' if kind == '20' else 'avdragspost'} ({kind}) "
                                    "utanför ett avsnitt (utan öppningspost 05 före).")
            payment = BgMaxPayment(
                n, "payment" if kind == "20" else "deduction",
                r.digits(n, record, 3, 12, "Betalarens bankgironummer").lstrip("0"),
                _field(record, 13, 37).strip(), r.amount(n, record, 38, 55, "Beloppet"),
                int(r.code(n, record, 56, "012345", "Referenskoden")),
                int(r.code(n, record, 57, "01234", "Betalningskanalen")),
                r.digits(n, record, 58, 69, "Bankgirots löpnummer"),
                r.code(n, record, 70, "01", "Avibildmarkeringen") == "1")
            if payment.amount <= 0:
                raise BgMaxError(n, "beloppet är 0 kr.")
            if kind == "21":
                payment.deduction_code = r.code(n, record, 71, "0123456789", "Avdragskoden")
                r.blank(n, record, 72, "avdragspost")
            else:
                r.blank(n, record, 71, "betalningspost")
            deposit.payments.append(payment)
            counts[kind] += 1
        elif kind in ("22", "23", "25", "26", "27", "28", "29"):
            if payment is None:
                raise BgMaxError(n, f"posttyp {kind} hör till en betalning, men ingen betalningspost (20 eller 21) "
                                    "står före den i avsnittet.")
            if kind in ("22", "23"):
                payment.extra_references.append(ExtraReference(
                    n, _field(record, 13, 37).strip(), r.amount(n, record, 38, 55, "Beloppet"),
                    int(r.code(n, record, 56, "012345", "Referenskoden")), kind == "23"))
                r.digits(n, record, 58, 69, "Bankgirots löpnummer")
                r.blank(n, record, 71, "extra referensnummerpost")
                counts["extra"] += 1
            elif kind == "25":
                payment.information.append(_field(record, 3, 52).rstrip())
                r.blank(n, record, 53, "informationspost")
            elif kind == "26":
                payment.name, payment.extra_name = _field(record, 3, 37).strip(), _field(record, 38, 72).strip()
                r.blank(n, record, 73, "namnpost")
            elif kind == "27":
                payment.address, payment.postal_code = _field(record, 3, 37).strip(), _field(record, 38, 46).strip()
                r.blank(n, record, 47, "adresspost")
            elif kind == "28":
                payment.city, payment.country = _field(record, 3, 37).strip(), _field(record, 38, 72).strip()
                payment.country_code = _field(record, 73, 74).strip()
                r.blank(n, record, 75, "adresspost")
            else:
                org_number = _field(record, 3, 14).strip()  # Bankgirot's own examples leave it unpadded
                if org_number and not (org_number.isdigit() and org_number.isascii()):
                    raise BgMaxError(n, f"organisationsnumret (position 3–14) är '{org_number}', inte siffror.")
                payment.org_number = org_number.lstrip("0")
                r.blank(n, record, 15, "organisationsnummerpost")
        elif kind == "15":
            if deposit is None:
                raise BgMaxError(n, "en insättningspost (15) utan avsnitt (ingen öppningspost 05 före).")
            _close_deposit(r, n, record, deposit)
            deposits.append(deposit)
            counts["15"] += 1
            deposit, payment = None, None
        elif kind == "70":
            if deposit is not None:
                raise BgMaxError(n, f"slutposten (70) kommer innan avsnittet från rad {deposit.line} avslutats "
                                    "med en insättningspost (15).")
            _check_end(r, n, record, counts)
            end_seen = True
        else:
            raise BgMaxError(n, f"okänd posttyp '{kind}'.")
    if not end_seen:
        raise BgMaxError(len(lines), "slutposten (70) saknas; filen kan vara avklippt.")
    return BgMaxFile(version, written_at, test, deposits)


def _close_deposit(r: _Reader, n: int, record: str, deposit: BgMaxDeposit) -> None:
    deposit.bank_account = r.digits(n, record, 3, 37, "Bankkontonumret").lstrip("0")
    deposit.pay_date = r.date(n, record, 38, 45, "Betalningsdagen")
    deposit.deposit_serial = r.digits(n, record, 46, 50, "Insättningens löpnummer")
    deposit.amount = r.amount(n, record, 51, 68, "Insättningsbeloppet")
    currency = _field(record, 69, 71)
    count = int(r.digits(n, record, 72, 79, "Antalet betalningar"))
    deposit.deposit_type = record[79].strip()
    if currency != deposit.currency:
        raise BgMaxError(n, f"insättningen är i {currency} men avsnittet (rad {deposit.line}) i {deposit.currency}.")
    if count != len(deposit.payments):
        raise BgMaxError(n, f"insättningsposten anger {count} betalningar, men avsnittet har {len(deposit.payments)}.")
    total = sum((p.signed_amount for p in deposit.payments), Decimal(0))
    if total != deposit.amount:
        raise BgMaxError(n, f"insättningsbeloppet är {format_sek(deposit.amount)} kr, men betalningarna minus "
                            f"avdragen i avsnittet är {format_sek(total)} kr.")


def _check_end(r: _Reader, n: int, record: str, counts: dict[str, int]) -> None:
    said = [int(r.digits(n, record, start, start + 7, what)) for start, what in (
        (3, "Antalet betalningsposter"), (11, "Antalet avdragsposter"), (19, "Antalet extra referensnummerposter"),
        (27, "Antalet insättningsposter"))]
    r.blank(n, record, 35, "slutpost")
    found = [counts["20"], counts["21"], counts["extra"], counts["15"]]
    if said != found:
        names = ("betalningsposter", "avdragsposter", "extra referensnummerposter", "insättningsposter")
        wrong = [f"{name}: {s} enligt slutposten, {f} i filen"
                 for name, s, f in zip(names, said, found, strict=True) if s != f]
        raise BgMaxError(n, "slutposten stämmer inte med filen (" + "; ".join(wrong) + ").")
