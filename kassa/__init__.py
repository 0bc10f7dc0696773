"""Kassa: a desktop cash register for Swedish small businesses."""

__version__ = "0.1.0"
APP_NAME = "Kassa"
APP_ID = "se.kassa.Kassa"
