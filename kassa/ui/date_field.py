"""A date field that takes a date the way people type it (2026-11-01, 20261101, 261101: kassa.typed_dates),
shows it back as 2026-11-01 once the field is left, and says in Swedish, under the field, what is wrong."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from kassa.identifiers import InvalidIdentifier
from kassa.typed_dates import parse_typed_date
from kassa.ui.validated_fields import ValidatedLineEdit


class DateField(ValidatedLineEdit):
    def __init__(self, day: dt.date, what: str, parent: QWidget | None = None) -> None:
        super().__init__(lambda text: parse_typed_date(text, what), required=True,
                         required_message=f"{what}: skriv ett datum, t.ex. 2026-11-01 eller 20261101.",
                         placeholder="ÅÅÅÅ-MM-DD", parent=parent)
        self.what = what
        self.setText(day.isoformat())
        self.edit.editingFinished.connect(self.normalize)

    def normalize(self) -> None:
        """A readable date shown as 2026-11-01; anything else is left as typed, for the person to fix."""
        day = self.date()
        if day is not None and self.edit.text() != day.isoformat():
            self.edit.setText(day.isoformat())

    def date(self) -> dt.date | None:
        try:
            return parse_typed_date(self.text(), self.what)
        except InvalidIdentifier:
            return None

    def set_date(self, day: dt.date) -> None:
        self.setText(day.isoformat())
