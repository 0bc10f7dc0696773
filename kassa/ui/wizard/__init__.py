"""Inställningar: the settings wizard, on first start and from the menu later.

Pages: the company (checked with kassa.identifiers), the database (this computer, or a shared
PostgreSQL with "Testa anslutning"), "Anmäl intresse" for Pagero (stored first, sent by the
send queue), "Anslut till Pagero" (the OAuth login in the browser; the link is also shown,
selectable and copyable, for a till whose browser does not open), and a last page with the
desktop shortcut. Finish saves to Company.get_solo() and kassa.config's settings file; the
PostgreSQL password and Pagero's tokens go to the keyring only.

One module per page; ``wizard`` puts them together. The wizard is handed a
``kassa.pagero.connector.PageroConnector`` for the login; the database test is
``kassa.models.connection_check``.
"""
from kassa.ui.wizard.wizard import PAGE_IDS, SettingsWizard

__all__ = ["PAGE_IDS", "SettingsWizard"]
