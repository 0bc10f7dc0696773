"""What the wizard's pages share: a labelled form row, the colours of a result, a seller's number check."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from kassa.identifiers import check_orgnr

OK_STYLE = "color: #1a7f37; font-weight: bold;"
ERROR_STYLE = "color: #a40e26;"


def check_orgnr_or_sole_trader(text: str) -> str:
    return check_orgnr(text, allow_personnummer=True)


def form_row(form: QFormLayout, text: str, field: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, field)
