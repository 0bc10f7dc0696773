"""Many rows into one table as one prepared statement run many times.

peewee builds an INSERT of many rows value by value, which for thousands of rows costs far more than
the database's own work (benchmarks/bench_bgmax_import.py). The fields' own conversions (money to öre,
JSON to text, defaults) still apply: each value goes through the field's `db_value`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import peewee


def insert_rows(model: type[peewee.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT `rows` (field name -> value; missing fields take their defaults) into `model`'s table."""
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField)]
    defaults = {f.name: f.default for f in fields}
    values = []
    for row in rows:
        record = []
        for f in fields:
            if f.name in row:
                value = row[f.name]
            else:
                default = defaults[f.name]
                value = default() if callable(default) else default
            record.append(f.db_value(value))
        values.append(tuple(record))
    if not values:
        return
    database = _database(model)
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    params = ", ".join([database.param] * len(fields))
    database.cursor().executemany(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({params})', values)


CHUNK = 900  # bound parameters per statement, under SQLite's oldest limit (999)


def _database(model: type[peewee.Model]) -> peewee.Database:
    database = model._meta.database
    return database.obj if isinstance(database, peewee.DatabaseProxy) else database


def _select(database: peewee.Database, sql: str, params: list[Any]) -> Iterable[tuple]:
    if isinstance(database, peewee.PostgresqlDatabase):
        # psycopg prepares a statement run five times; PostgreSQL then plans it once for any values, and
        # that generic plan compares each row with the whole list (seconds for 10,000 keys). A fresh plan
        # per run uses the index.
        cursor = database.cursor()
        cursor.execute(sql, params, prepare=False)
        return cursor
    return database.execute_sql(sql, params)


def _in_lists(database: peewee.Database, key: peewee.Field, values: Sequence[Any]) -> Iterator[tuple[str, list]]:
    """(condition, parameters) over `values`: on PostgreSQL one array parameter (`= ANY`), on SQLite
    chunks of plain placeholders."""
    column = f'"{key.column_name}"'
    if isinstance(database, peewee.PostgresqlDatabase):
        if values:
            yield f"{column} = ANY({database.param})", [[key.db_value(v) for v in values]]
        return
    for i in range(0, len(values), CHUNK):
        part = values[i:i + CHUNK]
        yield f"{column} IN ({', '.join([database.param] * len(part))})", [key.db_value(v) for v in part]


def rows_in(fields: Sequence[peewee.Field], key: peewee.Field, values: Sequence[Any],
            where: str = "") -> Iterator[tuple]:
    """SELECT `fields` of the rows whose `key` is one of `values` (and `where`, plain SQL on the same
    table), converted as the fields convert them. Prepared with plain placeholders: peewee builds an
    IN list value by value, which for thousands of values costs more than the query."""
    model = key.model
    database = _database(model)
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    for condition, params in _in_lists(database, key, values):
        sql = f'SELECT {columns} FROM "{model._meta.table_name}" WHERE {condition}' + (f" AND {where}" if where else "")
        for row in _select(database, sql, params):
            yield tuple(f.python_value(v) for f, v in zip(fields, row, strict=True))


def sums_in(key: peewee.Field, summed: str, values: Sequence[Any]) -> dict[Any, int]:
    """{key: SUM(summed)} over the rows whose `key` is one of `values`; `summed` is plain SQL over
    the table's columns (integers: money is stored in öre)."""
    model = key.model
    database = _database(model)
    out: dict[Any, int] = {}
    for condition, params in _in_lists(database, key, values):
        sql = (f'SELECT "{key.column_name}", SUM({summed}) FROM "{model._meta.table_name}" '
               f'WHERE {condition} GROUP BY "{key.column_name}"')
        for value, total in _select(database, sql, params):
            out[key.python_value(value)] = int(total or 0)
    return out
