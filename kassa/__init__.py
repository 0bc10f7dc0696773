"""Kassa: a desktop cash register for Swedish small businesses.

The layout, the dependency rule and the paths of a sale and an invoice: docs/architecture.md.
"""

__version__ = "0.1.0"
APP_NAME = "Kassa"
APP_ID = "se.kassa.Kassa"
