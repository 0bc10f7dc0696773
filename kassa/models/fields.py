"""Exact field types: money and quantities as scaled integers, JSON as text.

SQLite has no exact decimal type (DECIMAL columns are stored as REAL), so amounts are
kept as whole öre (or thousandths for quantities) in a BIGINT on both databases and
come back as `Decimal`.
"""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import peewee


class ScaledDecimalField(peewee.BigIntegerField):
    """A Decimal with a fixed number of decimals, stored as an integer."""

    def __init__(self, scale: int = 2, *args, **kwargs):
        self.scale = scale
        self._factor = Decimal(10) ** scale
        self._quantum = Decimal(1).scaleb(-scale)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and quantities must be Decimal, not float")
        value = Decimal(value)
        scaled = value * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._quantum, rounding=ROUND_HALF_UP)


class MoneyField(ScaledDecimalField):
    """Kronor with öre."""

    def __init__(self, *args, **kwargs):
        super().__init__(2, *args, **kwargs)


class JsonField(peewee.TextField):
    """JSON as text, the same on SQLite and PostgreSQL. Decimals are written as strings."""

    def db_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value):
        if value is None:
            return None
        return json.loads(value)
