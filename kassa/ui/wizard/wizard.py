"""The settings wizard: its pages in order, a start page for each menu entry, and what Slutför saves
(the till's designation first, then the company; each changed value journalled as a setting change)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from kassa.models import Company, utcnow
from kassa.pagero.connector import PageroConnector
from kassa.register.setting_changes import COMPANY_PREFIX, change_till, company_values, journal_changes
from kassa.till import TillError
from kassa.ui.focus import first_input, order_tabs
from kassa.ui.wizard.company_page import CompanyPage
from kassa.ui.wizard.connect_page import ConnectPage
from kassa.ui.wizard.database_page import DatabasePage
from kassa.ui.wizard.finish_page import FinishPage
from kassa.ui.wizard.interest_page import InterestPage

PAGE_IDS = {"company": 0, "database": 1, "interest": 2, "connect": 3, "finish": 4}


class SettingsWizard(QWizard):
    """SettingsWizard(parent=None, start_page='company'|'database'|'interest'|'connect'|'finish', connector=…).

    ``connector`` logs in at Pagero (a PageroConnector over the OS keyring by default)."""

    def __init__(self, parent: QWidget | None = None, start_page: str | None = None,
                 connector: PageroConnector | None = None):
        super().__init__(parent)
        self.connector = connector if connector is not None else PageroConnector()
        self.setWindowTitle(self.tr("Inställningar – Kassa"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Nästa >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Tillbaka"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Slutför"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Avbryt"))
        self.company_page = CompanyPage(self)
        self.database_page = DatabasePage(self)
        self.interest_page = InterestPage(self)
        self.connect_page = ConnectPage(self.connector, self)
        self.finish_page = FinishPage(self)
        for name, page in (("company", self.company_page), ("database", self.database_page),
                           ("interest", self.interest_page), ("connect", self.connect_page),
                           ("finish", self.finish_page)):
            self.setPage(PAGE_IDS[name], page)
            page.setFinalPage(True)  # Slutför from any page: the menu opens the wizard at one page
            order_tabs(page)  # Tab down the first column, then the next, as the page reads
        if start_page is not None and start_page not in PAGE_IDS:
            raise ValueError(f"unknown start page {start_page!r}; one of {', '.join(PAGE_IDS)}")
        self.setStartId(PAGE_IDS[start_page or "company"])
        self.currentIdChanged.connect(self._focus_first_input)
        self.resize(1000, 640)  # the company page shows whole names and e-mail addresses side by side with payment

    def _focus_first_input(self, page_id: int) -> None:
        page = self.page(page_id)
        widget = first_input(page) if page is not None else None
        if widget is not None:
            widget.setFocus(Qt.FocusReason.TabFocusReason)

    def page_named(self, name: str) -> QWizardPage:
        return self.page(PAGE_IDS[name])

    def accept(self) -> None:
        if self.connect_page.waiting:
            self.connect_page.validatePage()  # says why Finish waits
            return
        company = Company.get_solo()
        if self.hasVisitedPage(PAGE_IDS["company"]) and self.company_page.till_changed():
            # First: a designation refused now (the day was opened meanwhile) keeps the wizard open at its field.
            try:
                change_till(self.company_page.till_edit.value())
            except TillError as exc:
                self._back_to_company(str(exc))
                return
        before = company_values(company)
        if self.hasVisitedPage(PAGE_IDS["company"]):
            self.company_page.apply(company)
        self.connect_page.apply(company)
        company.updated_at = utcnow()
        company.save()
        journal_changes(COMPANY_PREFIX, before, company_values(company))  # the settings' history
        if self.hasVisitedPage(PAGE_IDS["database"]):
            self.database_page.apply()
        if self.hasVisitedPage(PAGE_IDS["connect"]):
            self.connect_page.create_category()
        super().accept()

    def _back_to_company(self, problem: str) -> None:
        while self.currentId() != PAGE_IDS["company"] and self.visitedIds() and self.currentId() != self.startId():
            self.back()
        self.company_page.till_edit.show_error(problem)
        self.company_page.till_edit.edit.setFocus()

    def done(self, result: int) -> None:
        self.connect_page.cancel_login()  # closing the wizard ends a pending login and its listener
        super().done(result)
