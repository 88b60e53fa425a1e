"""Bulk inserts through the driver store exactly what SQLAlchemy's own inserts store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select

from conftest import Env
from sabueso.store.bulk import insert_many, insert_returning, instant
from sabueso.store.schema import cases, chats, derivations, items, messages, records


def _case_with_item(env: Env) -> tuple[int, int, int, int]:
    """Ids of a case, an item, a derivation and a chat made through the normal paths."""
    env.new_case("GT-1")
    folder = env.home.parent / "ev"
    folder.mkdir()
    (folder / "nota.txt").write_text("hola\n", "utf-8")
    env.ok("add", "GT-1", str(folder / "nota.txt"), "--no-derive")
    engine = env.engine()
    with engine.begin() as conn:
        case_id = conn.execute(select(cases.c.id)).scalar_one()
        item_id = conn.execute(select(items.c.id).where(items.c.kind == "file")).scalar_one()
        derivation_id = conn.execute(insert(derivations).values(
            case_id=case_id, kind="rebuild", extractor_version="t", reader_versions="{}",
            actor="t", started_at=datetime.now(UTC), status="running")).inserted_primary_key[0]
        chat_id = conn.execute(insert(chats).values(
            case_id=case_id, item_id=item_id, derivation_id=derivation_id, key="k",
            platform="whatsapp")).inserted_primary_key[0]
    return case_id, item_id, derivation_id, chat_id


def test_rows_written_in_bulk_read_back_like_rows_written_by_sqlalchemy(env: Env) -> None:
    case_id, item_id, derivation_id, chat_id = _case_with_item(env)
    columns = ("case_id", "item_id", "derivation_id", "ordinal", "locator", "encoding",
               "chars", "text", "note")
    rows = [(case_id, item_id, derivation_id, n, f"line {n}", None, 4, f"texto {n}", None)
            for n in range(600)]  # more than one statement's worth
    cdmx = timezone(timedelta(hours=-6))
    sent = [datetime(2026, 11, 12, 20, 1, 2, 345000, tzinfo=cdmx),
            datetime(2026, 3, 8, 2, 30, tzinfo=UTC)]
    with env.engine().begin() as conn:
        made = insert_returning(conn, records, columns, rows, ("id", "ordinal"))
        assert sorted(o for _i, o in made) == list(range(600))
        ids = {o: i for i, o in made}
        insert_many(conn, messages, (
            "case_id", "item_id", "chat_id", "record_id", "ordinal", "sent_at", "sent_text",
            "kind", "edited", "deleted"), [
            (case_id, item_id, chat_id, ids[n], n, instant(conn, when), "x", "message",
             n == 0, False) for n, when in enumerate(sent)])
        conn.execute(insert(messages), [{
            "case_id": case_id, "item_id": item_id, "chat_id": chat_id, "record_id": ids[2 + n],
            "ordinal": 2 + n, "sent_at": when, "sent_text": "x", "kind": "message",
            "edited": n == 0, "deleted": False} for n, when in enumerate(sent)])
    with env.engine().connect() as conn:
        got = conn.execute(select(messages.c.ordinal, messages.c.sent_at, messages.c.edited)
                           .order_by(messages.c.ordinal)).all()
        texts = conn.execute(select(records.c.text).where(records.c.id == ids[599])).scalar()
        # the same instants come back, the same order by time, whichever path wrote them
        by_time = conn.execute(select(messages.c.ordinal).order_by(messages.c.sent_at,
                                                                   messages.c.ordinal)).all()
    assert [(o, s) for o, s, _e in got] == [(0, sent[0]), (1, sent[1]), (2, sent[0]),
                                            (3, sent[1])]
    assert [e for _o, _s, e in got] == [True, False, True, False]
    assert texts == "texto 599"
    assert [r[0] for r in by_time] == [1, 3, 0, 2]


def test_bulk_refuses_unknown_columns_and_naive_instants(env: Env) -> None:
    env.new_case("GT-1")
    with env.engine().begin() as conn:
        with pytest.raises(KeyError):
            insert_many(conn, records, ("case_id", "nope"), [(1, 2)])
        with pytest.raises(ValueError):
            instant(conn, datetime(2026, 1, 1))
        insert_many(conn, records, ("case_id",), [])  # nothing to do
        assert insert_returning(conn, records, ("case_id",), [], ("id",)) == []
