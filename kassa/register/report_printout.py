"""The X and Z day reports as a Printout, every item a–w of SKVFS 2014:9 7 kap. 3 §.

a company and org. number · b date and time produced · c the Z report's serial number ·
d "Z-dagrapport" (or "X-dagrapport") · e the register's designation · f total sales ·
g main groups (goods, services) · h VAT per rate · i the cash float · j goods sold ·
k services sold · l receipts · m drawer openings · n receipt copies · o training ·
p sales per means of payment · q returns · r discounts · s other reductions ·
t unfinished sales · u grand total sales · v grand total returns · w grand total net.
Then the cash count (Z) and the invoiced sales, which are outside the register, and where the
till's journal stood (its last row and the start of its hash: the paper anchors the chain).
"""
from __future__ import annotations

from kassa.devices.printout import Printout
from kassa.register.clock import format_local
from kassa.register.figures import ZERO, DayFigures
from kassa.register.layout import Lines, kr, qty
from kassa.register.payments import method_label

HASH_SHOWN = 16  # hex digits of the journal's last hash on the report: 64 bits, enough to compare by eye


def title(figures: DayFigures) -> str:
    return "Z-dagrapport" if figures.kind == "Z" else "X-dagrapport"


def report_printout(figures: DayFigures, *, reprint: bool = False) -> Printout:
    out = Lines()
    out.add(title(figures).upper(), "double", "center")  # d
    if reprint:
        out.add("Utskrift av sparad rapport", align="center")
    out.add(figures.company_name, "bold", "center")  # a
    out.add(f"Org.nr {figures.org_number}", align="center")  # a
    out.blank()
    if figures.number is not None:
        out.pair("Z-rapport nr", str(figures.number))  # c
    out.pair("Framställd", format_local(figures.produced_at))  # b
    out.pair("Kassa", figures.till)  # e
    out.pair("Dag", f"{figures.day_number}, öppnad {format_local(figures.day_opened_at)}")
    out.rule()
    out.pair("Total försäljning", kr(figures.net_sales), "bold")  # f
    out.pair("  varav kassakvitton", kr(figures.sales))
    out.add("Huvudgrupper")  # g
    out.pair("  Varor", kr(figures.goods_amount))
    out.pair("  Tjänster", kr(figures.services_amount))
    out.add("Moms per momssats")  # h
    for vat in figures.vat:
        out.pair(f"  {vat.rate:>2} %: netto {kr(vat.taxable)}", f"moms {kr(vat.tax)}")
    out.pair("  Moms totalt", kr(figures.vat_total))
    if figures.rounding:
        out.pair("Öresavrundning", kr(figures.rounding))
    out.rule()
    out.pair("Växelkassa", kr(figures.float_amount))  # i
    out.pair("  Insättningar", kr(figures.cash_in))
    out.pair("  Uttag", kr(-figures.cash_out))
    out.pair("Antal sålda varor", qty(figures.goods_sold))  # j
    out.pair("Antal sålda tjänster", qty(figures.services_sold))  # k
    out.pair("Antal kassakvitton", str(figures.receipts))  # l
    out.pair("Antal lådöppningar", str(figures.drawer_openings))  # m
    out.triple("Kvittokopior", str(figures.copies.count), kr(figures.copies.amount))  # n
    out.triple("Övningskvitton", str(figures.training.count), kr(figures.training.amount))  # o
    out.triple("Pro forma (ej kvitto)", str(figures.proforma.count), kr(figures.proforma.amount))
    out.add("Försäljning per betalningsmedel")  # p
    for means in figures.means:
        out.pair(f"  {method_label(means.method)}", kr(means.net))
        if means.refunds:
            out.pair(f"    varav återbetalt {method_label(means.method).lower()}", kr(-means.refunds))
    out.triple("Returer", str(figures.returns.count), kr(-figures.returns.amount))  # q
    out.triple("Rabatter", str(figures.discounts.count), kr(-figures.discounts.amount))  # r
    out.triple("Övriga prisminskningar", str(figures.reductions.count), kr(-figures.reductions.amount))  # s
    out.triple("Oavslutade försäljningar", str(figures.unfinished.count), kr(figures.unfinished.amount))  # t
    out.rule()
    out.pair("Grand total försäljning", kr(figures.grand_total_sales))  # u
    out.pair("Grand total returer", kr(-figures.grand_total_returns))  # v
    out.pair("Grand total netto", kr(figures.grand_total_net), "bold")  # w
    out.rule()
    out.pair("Kontanter enligt kassan", kr(figures.expected_cash))
    if figures.counted_cash is not None:
        out.pair("Räknade kontanter", kr(figures.counted_cash))
        out.pair("Kassadifferens", kr(figures.cash_difference or ZERO), "bold")
    out.rule()
    out.add("Fakturerat från kassan (ingår inte ovan)")
    out.triple("  Fakturor", str(figures.invoiced.count), kr(figures.invoiced.amount))
    if figures.control_unit_id:
        out.pair("Kontrollenhet", figures.control_unit_id)
    if figures.journal_seq is not None:  # the journal as it stood: a later rewrite disagrees with this paper
        out.pair("Journal t.o.m. rad", str(figures.journal_seq))
        out.pair("Journalens kontrollsumma", figures.journal_hash[:HASH_SHOWN])
    out.add(title(figures).upper(), "double", "center")
    return Printout(tuple(out.lines), cut=True, open_drawer=False)
