"""An SIE 4 reader of the tests' own, written from the specification (SIE filformat 4B), not from
Kassa's writer: it tokenizes each line itself and computes #KSUMMA with the table algorithm the
specification prints (section 10), not with zlib."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

_AMOUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")


def _table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def spec_crc(data: bytes, crc: int = 0xFFFFFFFF) -> int:
    """CRC_ackumulera of the specification; the caller inverts at the end."""
    for byte in data:
        crc = ((crc >> 8) & 0x00FFFFFF) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc


@dataclass
class Token:
    content: str  # without quotes, escapes resolved
    inner: list[Token] | None = None  # an object list {…}


def tokenize(line: str, number: int) -> list[Token]:
    tokens: list[Token] = []
    stack: list[list[Token]] = [tokens]
    i = 0
    while i < len(line):
        c = line[i]
        if c in " \t":
            i += 1
        elif c == "{":
            inner: list[Token] = []
            stack[-1].append(Token("", inner))
            stack.append(inner)
            i += 1
        elif c == "}":
            assert len(stack) > 1, f"line {number}: unbalanced }}"
            stack.pop()
            i += 1
        elif c == '"':
            i += 1
            out = []
            while True:
                assert i < len(line), f"line {number}: unterminated quote"
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == '"':
                    out.append('"')
                    i += 2
                elif line[i] == '"':
                    i += 1
                    break
                else:
                    out.append(line[i])
                    i += 1
            stack[-1].append(Token("".join(out)))
        else:
            start = i
            while i < len(line) and line[i] not in ' \t{}"':
                i += 1
            stack[-1].append(Token(line[start:i]))
    assert len(stack) == 1, f"line {number}: unbalanced {{"
    return tokens


def _checksum_content(tokens: list[Token]) -> str:
    out = []
    for token in tokens:
        out.append(_checksum_content(token.inner) if token.inner is not None else token.content)
    return "".join(out)


@dataclass
class Trans:
    account: str
    amount: Decimal


@dataclass
class Ver:
    series: str
    number: str
    date: dt.date
    text: str
    transactions: list[Trans] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return sum((t.amount for t in self.transactions), Decimal(0))

    def on(self, account: str) -> Decimal:
        return sum((t.amount for t in self.transactions if t.account == account), Decimal(0))


@dataclass
class SieDocument:
    records: list[tuple[int, str, list[Token]]]
    accounts: dict[str, str]
    vouchers: list[Ver]
    checksum_declared: int | None
    checksum_computed: int | None

    def first(self, label: str) -> list[str]:
        for _n, lab, tokens in self.records:
            if lab == label:
                return [t.content for t in tokens]
        raise KeyError(label)

    def labels(self) -> list[str]:
        return [label for _n, label, _t in self.records]


def _date(text: str) -> dt.date:
    assert re.fullmatch(r"\d{8}", text), f"not a SIE date: {text}"
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def read_sie(data: bytes) -> SieDocument:
    text = data.decode("cp437")
    records: list[tuple[int, str, list[Token]]] = []
    vouchers: list[Ver] = []
    accounts: dict[str, str] = {}
    crc: int | None = None
    declared: int | None = None
    computed: int | None = None
    current: Ver | None = None
    in_block = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        assert "\r" not in line, f"line {number}: stray carriage return"
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped == "{":
            assert current is not None and not in_block, f"line {number}: {{ outside a voucher"
            in_block = True
            continue
        if stripped == "}":
            assert in_block, f"line {number}: }} without {{"
            in_block = False
            current = None
            continue
        assert stripped.startswith("#"), f"line {number}: not a record: {line!r}"
        label, _, rest = stripped.partition(" ")
        tokens = tokenize(rest, number)
        records.append((number, label, tokens))
        if label == "#KSUMMA":
            if not tokens:
                assert crc is None, f"line {number}: a second opening #KSUMMA"
                crc = 0xFFFFFFFF
            else:
                assert crc is not None, f"line {number}: closing #KSUMMA without an opening one"
                declared = int(tokens[0].content)
                computed = crc ^ 0xFFFFFFFF
                crc = None
            continue
        if crc is not None:
            crc = spec_crc((label + _checksum_content(tokens)).encode("cp437"), crc)
        if label == "#KONTO":
            accounts[tokens[0].content] = tokens[1].content
        elif label == "#VER":
            assert not in_block, f"line {number}: #VER inside a voucher"
            current = Ver(tokens[0].content, tokens[1].content, _date(tokens[2].content),
                          tokens[3].content if len(tokens) > 3 else "")
            vouchers.append(current)
        elif label == "#TRANS":
            assert in_block and current is not None, f"line {number}: #TRANS outside a voucher"
            assert tokens[1].inner is not None, f"line {number}: #TRANS without an object list"
            assert _AMOUNT.match(tokens[2].content), f"line {number}: amount {tokens[2].content!r}"
            current.transactions.append(Trans(tokens[0].content, Decimal(tokens[2].content)))
    assert not in_block, "the file ends inside a voucher"
    assert crc is None, "opening #KSUMMA without a closing one (cut off?)"
    return SieDocument(records, accounts, vouchers, declared, computed)
