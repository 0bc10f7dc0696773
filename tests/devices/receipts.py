"""A typical receipt as the register lays it out, for the printer tests and the benchmark."""
from __future__ import annotations

from kassa.devices.printout import PrintLine, Printout

CODE = "IMR6GN4EQ2N5ZXP2BMIY43WI6BHCQMOJ;TZIILW3KCWEBSBOJRREAFJJCPC"


def receipt_lines(copy: bool = False) -> tuple[PrintLine, ...]:
    lines = [
        PrintLine("Hörnbutiken & Söner AB", "bold", "center"),
        PrintLine("Org.nr 556677-8899", align="center"),
        PrintLine("Storgatan 1, 411 01 Göteborg", align="center"),
    ]
    if copy:
        lines.append(PrintLine("KOPIA", "double", "center"))
    lines += [
        PrintLine("2026-05-04 12:30          Kvitto 42"),
        PrintLine("Kassa KASSA-1          Kassör Åsa Öberg"),
        PrintLine("-" * 42),
        PrintLine("Räksmörgås                         89,00"),
        PrintLine("Kaffe & kaka        2 st à 35,00   70,00"),
        PrintLine("Ölkorv, 0,5 kg                     64,50"),
        PrintLine("Läsk (pant 1,00 kr)                16,00"),
        PrintLine("-" * 42),
        PrintLine("Att betala                      239,50", "double", "right"),
        PrintLine("Kontant                        300,00"),
        PrintLine("Växel                           60,50"),
        PrintLine("Moms %      Moms      Netto      Brutto"),
        PrintLine("12,00      20,91     174,09      195,00"),
        PrintLine("6,00        2,52      42,00       44,50"),
        PrintLine("Kontrollenhet EMULATOR00000001"),
        PrintLine(CODE[:42]),
        PrintLine(CODE[42:]),
    ]
    if copy:
        lines.append(PrintLine("KOPIA", "double", "center"))
    lines.append(PrintLine("Tack för besöket – välkommen åter!", align="center"))
    return tuple(lines)


def receipt(copy: bool = False, cash: bool = True) -> Printout:
    return Printout(receipt_lines(copy), cut=True, open_drawer=cash and not copy)
