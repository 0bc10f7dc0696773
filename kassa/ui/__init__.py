"""The PySide6 user interface: the till, registers, invoices, the settings wizard."""
