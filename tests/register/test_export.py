"""The journal export (SKVFS 2021:16): valid against the schema written from its chapters, every
registration of the period in it, nothing from outside the period."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal

from kassa.models import Article, JournalEntry, Receipt
from kassa.register.export import export_journal
from kassa.register.prices import save_article
from kassa.register.service import Register
from tests.factories import REPO, vat_group
from tests.register.export_schema import K, assert_valid, events, local

TODAY = dt.date.today()


def every_kind_of_registration(till: Register) -> None:
    till.add_code("2*100")
    till.add_code("400")
    till.set_discount(0, "10")
    till.add_code("200")
    till.remove_line(2)
    till.pay_cash("700")
    till.add_code("101")
    till.set_price(0, "20")
    till.pay_card(electronic=True)
    till.add_code("300")
    till.add_code("101")
    parked = till.park()
    till.resume(parked.id)
    till.pay_swish()
    till.add_code("200")
    till.park()
    till.add_code("2*100")
    till.void()
    till.look_up_price("7350000000016")
    till.copy("1")
    till.begin_return("1")
    till.remove_line(1)
    till.refund_to("cash")
    till.begin_return()
    till.add_code("101")
    till.refund_to("card")
    till.add_code("101")
    till.proforma()
    till.void()
    till.set_training(True)
    till.add_code("100")
    till.pay_card()
    till.set_training(False)
    till.cash_in("100", "Växel")
    till.cash_out("50", "Bank")
    till.open_drawer("Växla")
    till.x_report()


def test_a_days_export_is_valid_and_holds_every_registration(register, tmp_path):
    every_kind_of_registration(register)
    register.z_report("700")
    path = tmp_path / "journal.xml"
    count = export_journal(path, TODAY, TODAY)
    tree = assert_valid(path)
    found = [local(e) for e in events(tree)]
    assert len(found) == count
    rows = list(JournalEntry.select().order_by(JournalEntry.seq))
    parked_lines = sum(len(r.data["lines"]) for r in rows if r.event == "parked")
    assert count == len(rows) - sum(r.event == "parked" for r in rows) + parked_lines
    assert Counter(found) == Counter({
        "Vaxelkassa": 1, "RegistreraArtikel": 13, "AndraRegistreradArtikel": 2, "RaderaRegistreradArtikel": 2,
        "Kassakvitto": 3, "ParkeraRegistreradArtikel": 3, "OppnaParkering": 1, "AnvandaClear": 2,
        "StallaPrisfraga": 1, "KopiaAvKassakvitto": 1, "Returkvitto": 2, "ProFormaKvitto": 1, "Ovningslage": 2,
        "Ovningskvitto": 1, "ForandringAvVaxelkassa": 2, "OppnaKassaladaVidNollforsaljning": 1, "XDagrapport": 1,
        "ZDagrapport": 1,
    })
    serials = sorted(int(e.findtext(f"k:{name}", namespaces=K)) for e in events(tree) for name in (
        "LopnummerForKassakvitto", "LopnummerForKvittokopia", "LopnummerForOvningskvitto",
        "LopnummerForProFormaKvitto") if e.find(f"k:{name}", K) is not None)
    assert serials == sorted(r.serial for r in Receipt.select()) == list(range(1, 9))
    z_numbers = {e.findtext("k:LopnummerForZDagrapportPaKvitto", namespaces=K) for e in events(tree)
                 if local(e).endswith("kvitto") or local(e) == "KopiaAvKassakvitto"}
    assert z_numbers == {"1"}  # the Z report that closed the day


def test_receipt_content_in_the_export(register, unit, tmp_path):
    register.add_code("2*100")
    register.add_code("400")
    register.pay_cash("700")
    register.begin_return("1")
    register.remove_line(1)
    register.set_quantity(0, "1")
    register.refund_to("cash")
    path = tmp_path / "journal.xml"
    export_journal(path, TODAY, TODAY)
    tree = assert_valid(path)
    sale, ret = [e for e in events(tree) if local(e) in ("Kassakvitto", "Returkvitto")]
    assert sale.findtext("k:TotaltForsaljningsbeloppISvenskaKronor", namespaces=K) == "610.00"
    assert sale.findtext("k:MervardesskattPaForsaljningsbeloppet", namespaces=K) == "111.76"
    assert sale.findtext("k:LopnummerForZDagrapportPaKvitto", namespaces=K) == "0"  # the day is still open
    articles = sale.findall("k:SaldaArtiklarLISTA/k:SaldArtikel", K)
    assert [(a.findtext("k:TypAvArtikel", namespaces=K), a.findtext("k:AntalAvSaldArtikel", namespaces=K),
             a.findtext("k:EnhetForViktLangdTidEllerVolym", namespaces=K),
             a.findtext("k:PrisPaSaldArtikel", namespaces=K)) for a in articles] == [
        ("VARA", "2", None, "109.80"), ("TJANST", "1", "HUR", "500.00")]
    assert sale.findtext("k:Kontrollkod", namespaces=K) == Receipt.get(Receipt.serial == 1).control_code
    assert sale.findtext("k:TillverkningsnummerForKontrollenheten", namespaces=K) == unit.unit_id
    assert ret.findtext("k:TotaltForsaljningsbeloppISvenskaKronor", namespaces=K) == "-55.00"
    assert ret.findtext("k:TotalaForsaljningssummorPerBetalningsmedelLISTA/k:TotalForsaljningssummaPerBetalningsmedel/"
                        "k:ForsaljningssummaPerBetalningsmedel", namespaces=K) == "-55.00"
    system = tree.find("k:KassaregistersystemLISTA/k:Kassaregistersystemet", K)
    assert "SE" in system.findtext("k:ModellbeteckningForKassaregistret", namespaces=K)


def test_only_the_period_and_the_chosen_tills_are_exported(shop, unit, tmp_path):
    monday = dt.datetime(2026, 3, 2, 10)
    clock = iter(monday + dt.timedelta(days=d, minutes=m) for d in range(3) for m in range(100))
    times = {"now": lambda: next(clock)}
    one, two = Register("kassa-1", unit, **times), Register("kassa-2", unit, now=lambda: monday)
    one.open_day("0")
    two.open_day("0")
    for _ in range(3):
        one.add_code("101")
        one.pay_card()
    path = tmp_path / "tuesday.xml"
    export_journal(path, monday.date() + dt.timedelta(days=1), monday.date() + dt.timedelta(days=1))
    assert events(assert_valid(path)) == []  # everything happened on Monday (one's clock moved on by minutes)
    path = tmp_path / "monday.xml"
    export_journal(path, monday.date(), monday.date(), tills=["kassa-2"])
    tree = assert_valid(path)
    assert [local(e) for e in events(tree)] == ["Vaxelkassa"]
    assert [t.text for t in tree.iterfind("k:BeteckningPaValdaKassaregisterForExportAvDataFranJournalminnenLISTA/"
                                          "k:BeteckningPaValtKassaregisterForExportAvDataFranJournalminnet", K)] == [
        "kassa-2"]


def test_long_texts_are_cut_at_72_characters_and_price_changes_are_exported(shop, tmp_path, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    article = Article(number="999", name="Ett mycket långt artikelnamn " * 4, price=Decimal("10.00"),
                      vat_group=vat_group(25))
    save_article(article)
    path = tmp_path / "journal.xml"
    export_journal(path, TODAY, TODAY)
    [change] = events(assert_valid(path))
    assert local(change) == "AndringAvPris"
    assert len(change.findtext("k:Artikelnamn", namespaces=K)) == 72


def test_kassa_journal_export_command(register, isolated_data_dir, tmp_path):
    register.add_code("101")
    register.pay_card()
    path = tmp_path / "export.xml"
    env = {**os.environ, "KASSA_DATABASE_URL": f"sqlite:///{isolated_data_dir / 'kassa.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "kassa", "journal", "export", "--from", TODAY.isoformat(), "--to",
                           TODAY.isoformat(), "-o", str(path)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"3 registreringar skrivna till {path}."
    assert [local(e) for e in events(assert_valid(path))] == ["Vaxelkassa", "RegistreraArtikel", "Kassakvitto"]
    bad = subprocess.run([sys.executable, "-m", "kassa", "journal", "export", "--from", "igår", "--to", "idag", "-o",
                          str(path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "'igår' är inget datum" in bad.stderr
