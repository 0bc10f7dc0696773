"""The wizard's "Anmäl intresse" page: the form is stored first, then sent at once in a worker; when
Pagero cannot be reached the send queue sends it later. The page follows it (read in a worker) and
says when it has reached Pagero, or why not."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import peewee
import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget, QWizardPage

from kassa.identifiers import check_email, check_postal_code
from kassa.outbox.interest import (
    InterestState,
    interest_state,
    one_try_interest_client_factory,
    queue_interest,
    send_interest_now,
)
from kassa.ui.validated_fields import MessageLine, ValidatedLineEdit
from kassa.ui.wizard.company_page import CompanyPage
from kassa.ui.wizard.form import ERROR_STYLE, OK_STYLE, check_orgnr_or_sole_trader, form_row
from kassa.ui.workers import run_in_background

log = logging.getLogger(__name__)

FOLLOW_MS = 2000  # how often the page looks whether the queued form has gone out


class InterestPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("E-faktura via Pagero: Anmäl intresse"))
        self.setSubTitle(self.tr("Pagero kontaktar er med ett erbjudande. När avtalet är klart får ni "
                                 "inloggningsuppgifter och ansluter Kassa på nästa sida. Har ni redan ett konto "
                                 "hos Pagero: gå direkt vidare."))
        required = self.tr("Fältet behöver fyllas i.")
        self.company_edit = ValidatedLineEdit(required=True, required_message=required)
        self.address_edit = ValidatedLineEdit(required=True, required_message=required)
        self.org_edit = ValidatedLineEdit(check_orgnr_or_sole_trader, required=True, required_message=required)
        self.postal_edit = ValidatedLineEdit(check_postal_code, required=True, required_message=required)
        self.city_edit = ValidatedLineEdit(required=True, required_message=required)
        self.invoices_spin = QSpinBox(self)
        self.invoices_spin.setRange(0, 10_000_000)
        self.invoices_spin.setSingleStep(100)
        self.invoices_spin.setGroupSeparatorShown(True)
        self.invoices_spin.setSpecialValueText(self.tr("ange antal"))  # 0 is no answer
        # Typing replaces what the box shows (the "ange antal" of no answer, or an earlier count): a digit
        # typed after the placeholder would make no number, and nothing would happen.
        self.invoices_spin.installEventFilter(self)
        self.invoices_error = MessageLine(self)
        self.invoices_error.setStyleSheet(ERROR_STYLE)
        self.invoices_spin.valueChanged.connect(self._count_changed)
        self.contact_edit = ValidatedLineEdit(required=True, required_message=required)
        self.email_edit = ValidatedLineEdit(check_email, required=True, required_message=required)
        self.phone_edit = ValidatedLineEdit(required=True, required_message=required)
        self.send_button = QPushButton(self.tr("S&kicka"), self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)

        form = QFormLayout(self)
        form_row(form, self.tr("&Företagsnamn:"), self.company_edit)
        form_row(form, self.tr("&Adress:"), self.address_edit)
        form_row(form, self.tr("&Orgnummer:"), self.org_edit)
        form_row(form, self.tr("&Postnummer:"), self.postal_edit)
        form_row(form, self.tr("O&rt:"), self.city_edit)
        form_row(form, self.tr("&Ungefär hur många fakturor skickar ni per år?"), self.invoices_spin)
        form.addRow("", self.invoices_error)
        form_row(form, self.tr("Na&mn:"), self.contact_edit)
        form_row(form, self.tr("&E-post:"), self.email_edit)
        form_row(form, self.tr("Te&lefonnummer:"), self.phone_edit)
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addWidget(self.result_label, 1)
        form.addRow(row)
        self.send_button.clicked.connect(self.send)
        self._request_id: int | None = None
        self.client_factory: Callable[[], Any] = one_try_interest_client_factory  # posts the form (no login)
        self._follow_timer = QTimer(self)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self._look)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.invoices_spin and event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self._select_count)  # after the spin box has placed its cursor
        elif (watched is self.invoices_spin and event.type() == QEvent.Type.KeyPress
              and self.invoices_spin.value() == 0 and isinstance(event, QKeyEvent) and event.text().isdigit()):
            self.invoices_spin.lineEdit().selectAll()  # the placeholder goes, the digit stays
        return super().eventFilter(watched, event)

    def _select_count(self) -> None:
        if shiboken6.isValid(self) and self.invoices_spin.hasFocus():
            self.invoices_spin.selectAll()

    def _count_changed(self, value: int) -> None:
        if value:
            self.invoices_error.setText("")

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        # Prefill from the company page (or the saved company) where the fields are still empty.
        wizard = self.wizard()
        company: CompanyPage | None = getattr(wizard, "company_page", None)
        if company is None:
            return
        for target, source in ((self.company_edit, company.name_edit), (self.address_edit, company.street_edit),
                               (self.org_edit, company.org_edit), (self.postal_edit, company.postal_edit),
                               (self.city_edit, company.city_edit), (self.email_edit, company.email_edit)):
            if not target.text():
                target.setText(source.text())
        if not self.phone_edit.text():
            self.phone_edit.setText(company.phone_edit.text())

    def fields(self) -> list[ValidatedLineEdit]:
        return [self.company_edit, self.address_edit, self.org_edit, self.postal_edit, self.city_edit,
                self.contact_edit, self.email_edit, self.phone_edit]

    def form(self) -> dict[str, Any]:
        """The keys Pagero's partner form takes."""
        return {
            "companyName": self.company_edit.text(),
            "address": self.address_edit.text(),
            "orgNumber": self.org_edit.value(),
            "postalCode": self.postal_edit.value(),
            "city": self.city_edit.text(),
            "invoicesPerYear": self.invoices_spin.value(),
            "contactName": self.contact_edit.text(),
            "email": self.email_edit.value(),
            "phone": self.phone_edit.text(),
        }

    def _say(self, text: str, style: str = "") -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(style)

    def send(self) -> None:
        # Every problem at once: the fields' own and the number of invoices.
        for field in self.fields():
            field.show_problem()
        no_count = self.invoices_spin.value() == 0
        self.invoices_error.setText(self.tr("Ange ungefär hur många fakturor ni skickar per år (minst 1).")
                                    if no_count else "")
        fields = self.fields()
        in_order: list[QWidget] = [*fields[:5], self.invoices_spin, *fields[5:]]  # as the form shows them
        wrong = [w for w in in_order if (w.error_text() if isinstance(w, ValidatedLineEdit) else no_count)]
        if wrong:
            wrong[0].setFocus()
            self._say(self.tr("Rätta fälten som är markerade."), ERROR_STYLE)
            return
        try:
            request = queue_interest(self.form())
        except peewee.DatabaseError as exc:
            log.exception("storing the interest form failed")
            self.result_label.setText(self.tr("Anmälan kunde inte sparas: %1").replace("%1", str(exc)))
            self.result_label.setStyleSheet(ERROR_STYLE)
            return
        self.send_button.setEnabled(False)
        self._say(self.tr("Intresseanmälan är sparad och skickas till Pagero …"), OK_STYLE)
        self._request_id = request.id
        # Sent at once from here; what cannot go now stays queued and the send queue sends it later, which
        # the follow-up below sees and says.
        run_in_background(send_interest_now, request.id, self.client_factory, on_result=self._sent_now,
                          on_error=self._not_sent_now)

    def _sent_now(self, state: InterestState) -> None:
        if not shiboken6.isValid(self):
            return
        self._show_state(state)
        if state.state != "sent" and state.state != "needs_attention":
            self._follow_timer.start()

    def _not_sent_now(self, exc: BaseException) -> None:
        log.warning("sending the interest form at once failed (%s); the send queue will send it",
                    type(exc).__name__)
        if shiboken6.isValid(self):
            self._follow_timer.start()

    # -- following the queued form -------------------------------------------------------

    def _look(self) -> None:
        if self._request_id is not None:
            run_in_background(interest_state, self._request_id, on_result=self._show_state,
                              on_error=lambda exc: log.warning("reading the interest form failed: %s", exc))

    def _show_state(self, state: InterestState) -> None:
        if not shiboken6.isValid(self):
            return
        if state.state == "sent":
            self._follow_timer.stop()
            self._say(self.tr("Intresseanmälan är skickad till Pagero (%1). Pagero hör av sig till %2.")
                      .replace("%1", state.sent_at_text).replace("%2", self.email_edit.text()), OK_STYLE)
        elif state.state == "queued" and state.last_error:  # tried, and Pagero could not be reached
            self._say(self.tr("Pagero kunde inte nås just nu. Intresseanmälan är sparad och skickas så snart Kassa "
                              "når Pagero; Pagero hör sedan av sig till %1.").replace("%1", self.email_edit.text()),
                      OK_STYLE)
        elif state.state == "needs_attention":
            self._follow_timer.stop()
            self.send_button.setEnabled(True)
            self._say(self.tr("Pagero tog inte emot intresseanmälan: %1 Rätta och välj Skicka igen.")
                      .replace("%1", state.last_error), ERROR_STYLE)
