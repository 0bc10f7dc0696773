"""BgMax files written by the tests from the record layout in Bankgirot's technical manual
("Bankgiro Inbetalningar"), independently of Kassa's parser. Positions are 1-based, inclusive."""
from __future__ import annotations

from dataclasses import dataclass, field


def right(value: object, width: int, fill: str = "0") -> str:
    text = str(value)
    assert len(text) <= width, (text, width)
    return text.rjust(width, fill)


def left(value: object, width: int) -> str:
    text = str(value)
    assert len(text) <= width, (text, width)
    return text.ljust(width)


def record(*parts: str) -> str:
    line = "".join(parts)
    return line.ljust(80)


def start(test: bool = False, written: str = "20250320061502000000") -> str:
    # 1–2 "01", 3–22 layout name, 23–24 version, 25–44 timestamp, 45 test marker
    return record("01", left("BGMAX", 20), "01", right(written, 20), "T" if test else "P")


def opening(bankgiro: str = "50501055", currency: str = "SEK") -> str:
    # 3–12 receiving bankgiro, 13–22 receiving plusgiro (blank), 23–25 currency
    return record("05", right(bankgiro, 10), " " * 10, currency)


def payment(reference: str, ore: int, *, payer_bankgiro: str = "0", code: int = 2, channel: int = 1,
            serial: int = 1, deduction: bool = False, deduction_code: str = "0") -> str:
    # 3–12 payer's bankgiro, 13–37 reference (right-justified), 38–55 amount in öre, 56 reference code,
    # 57 channel, 58–69 Bankgirot's serial number, 70 image marker, (21) 71 deduction code
    body = ("21" if deduction else "20") + right(payer_bankgiro, 10) + right(reference, 25, " ") + right(ore, 18) \
        + str(code) + str(channel) + right(serial, 12) + "0"
    return record(body + (deduction_code if deduction else ""))


def extra(reference: str, ore: int, *, negative: bool = False, payer_bankgiro: str = "0", code: int = 2,
          serial: int = 1) -> str:
    return record(("23" if negative else "22") + right(payer_bankgiro, 10) + right(reference, 25, " ")
                  + right(ore, 18) + str(code) + "1" + right(serial, 12) + "0")


def information(text: str) -> str:
    return record("25", left(text, 50))


def name(text: str, extra_name: str = "") -> str:
    return record("26", left(text, 35), left(extra_name, 35))


def address(street: str, postal_code: str) -> str:
    return record("27", left(street, 35), left(postal_code, 9))


def city(text: str, country: str = "", code: str = "") -> str:
    return record("28", left(text, 35), left(country, 35), left(code, 2))


def org_number(number: str) -> str:
    return record("29", right(number, 12))


def deposit(date: str, ore: int, count: int, *, serial: int = 1, currency: str = "SEK",
            account: str = "33001234567890") -> str:
    # 3–37 bank account, 38–45 payment date, 46–50 deposit serial, 51–68 amount, 69–71 currency, 72–79 count
    return record("15", right(account, 35), date, right(serial, 5), right(ore, 18), currency, right(count, 8), " ")


def end(payments: int, deductions: int, extras: int, deposits: int) -> str:
    return record("70", right(payments, 8), right(deductions, 8), right(extras, 8), right(deposits, 8))


def to_bytes(records: list[str], newline: str = "\r\n") -> bytes:
    for line in records:
        assert len(line) == 80, (len(line), line)
    return (newline.join(records) + newline).encode("iso-8859-1")


@dataclass
class Section:
    date: str
    records: list[str] = field(default_factory=list)
    ore: int = 0
    count: int = 0
    serial: int = 1


class BgMaxBuilder:
    """Sections of payments; the deposit and end records' totals are counted as they are added."""

    def __init__(self, bankgiro: str = "50501055", test: bool = False, written: str = "20250320061502000000"):
        self.bankgiro, self.test, self.written = bankgiro, test, written
        self.sections: list[Section] = []
        self.payments = self.deductions = self.extras = 0
        self._serial = 0

    def section(self, date: str) -> BgMaxBuilder:
        self.sections.append(Section(date, serial=len(self.sections) + 1))
        return self

    def pay(self, reference: str, ore: int, *, payer: str = "", deduction: bool = False, code: int = 2,
            extras: list[tuple[str, int, bool]] = (), info: str = "", payer_bankgiro: str = "0") -> BgMaxBuilder:
        s = self.sections[-1]
        self._serial += 1
        s.records.append(payment(reference, ore, code=code, serial=self._serial, deduction=deduction,
                                 payer_bankgiro=payer_bankgiro))
        for ref, amount, negative in extras:
            s.records.append(extra(ref, amount, negative=negative, serial=self._serial))
            self.extras += 1
        if info:
            s.records.append(information(info))
        if payer:
            s.records += [name(payer), address("Storgatan 2", "12345"), city("Storåker"), org_number("5560160680")]
        s.ore += -ore if deduction else ore
        s.count += 1
        if deduction:
            self.deductions += 1
        else:
            self.payments += 1
        return self

    def records(self) -> list[str]:
        out = [start(self.test, self.written)]
        for s in self.sections:
            out += [opening(self.bankgiro)] + s.records + [deposit(s.date, s.ore, s.count, serial=s.serial)]
        out.append(end(self.payments, self.deductions, self.extras, len(self.sections)))
        return out

    def bytes(self) -> bytes:
        return to_bytes(self.records())
