"""The PySide6 user interface: the till, registers, invoices, the settings wizard.

The only package that imports Qt; it calls the services from worker threads (docs/architecture.md).
"""
