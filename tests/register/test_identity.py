"""What the shop reports to Skatteverket about this register (shown in the settings)."""
from kassa import __version__
from kassa.register.control_unit.settings import ControlUnitSettings, save
from kassa.register.identity import register_identity


def test_model_with_se_manufacturing_number_and_version(company, monkeypatch):
    monkeypatch.setenv("KASSA_TILL", "kassa-1")
    identity = register_identity()
    rows = dict(identity.rows())
    assert "SE" in rows["Modellbeteckning"].split()
    assert rows["Version"] == __version__ and rows["Kassabeteckning"] == "kassa-1"
    assert rows["Tillverkningsnummer"].startswith("KSE") and len(rows["Tillverkningsnummer"]) == 13
    assert rows["Kontrollenhetens tillverkningsnummer"] == "ej vald"
    save(ControlUnitSettings("none"))
    assert dict(register_identity().rows())["Kontrollenhetens tillverkningsnummer"].startswith("ingen (undantag")
    assert register_identity("kassa-1").manufacturing_number == identity.manufacturing_number
    assert register_identity("kassa-2").manufacturing_number != identity.manufacturing_number
    assert dict(register_identity("kassa-1", "CU-77").rows())["Kontrollenhetens tillverkningsnummer"] == "CU-77"
