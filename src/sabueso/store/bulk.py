"""Bulk inserts through the database driver: one statement text for many rows.

SQLAlchemy's executemany processes every parameter of every row in Python (type processors,
key lookups); for the case index, which writes hundreds of thousands of rows per large chat
export, that cost more than the inserts themselves. These helpers send tuples straight to
the driver (``sqlite3`` or ``psycopg``), so the caller gives values exactly as the database
stores them: :func:`instant` converts the one type that differs between the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["insert_many", "insert_returning", "instant", "placeholder"]

# Rows per statement when ids come back (SQLite allows 32,766 parameters per statement).
RETURNING_ROWS = 256


def placeholder(conn: Connection) -> str:
    """The driver's positional parameter mark."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def instant(conn: Connection, value: datetime | None) -> Any:
    """An aware datetime as ``UTCDateTime`` stores it: naive UTC text on SQLite (the format
    SQLAlchemy's SQLite ``DateTime`` writes), the aware value on PostgreSQL."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if conn.dialect.name == "sqlite":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.astimezone(UTC)


def _columns(table: Table, columns: Sequence[str]) -> str:
    for name in columns:
        if name not in table.c:  # names come from code, never from data; checked anyway
            raise KeyError(f"{table.name} has no column {name}")
    return ", ".join(columns)


def insert_many(conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence[Any]], values: str | None = None) -> None:
    """Insert ``rows`` (tuples in ``columns`` order). ``values``: the VALUES list when a
    column needs an SQL expression (its marks in the same order as the tuple's values)."""
    if not rows:
        return
    mark = placeholder(conn)
    shape = values.replace("?", mark) if values else ", ".join([mark] * len(columns))
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({_columns(table, columns)}) VALUES ({shape})", list(rows))


def insert_returning(conn: Connection, table: Table, columns: Sequence[str],
                     rows: Sequence[Sequence[Any]], returning: Sequence[str]) -> list[Any]:
    """Insert ``rows`` and return ``returning`` of each inserted row, as row tuples. The order
    of the returned rows is the database's: callers match them by the returned columns."""
    if not rows:
        return []
    mark = placeholder(conn)
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {table.name} ({_columns(table, columns)}) VALUES "
    tail = f" RETURNING {_columns(table, returning)}"
    out: list[Any] = []
    for start in range(0, len(rows), RETURNING_ROWS):
        part = rows[start:start + RETURNING_ROWS]
        flat = [value for row in part for value in row]
        sql = head + ", ".join([one] * len(part)) + tail
        out.extend(conn.exec_driver_sql(sql, tuple(flat)).all())
    return out
