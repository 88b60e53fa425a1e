"""Reading the case's entity index: entities with their counts, and every mention of one value.

Both are views of case data: they need the case's ``read`` permission (a refusal is recorded by
``authorize``) and each is written to the case's ledger (``entities.list``,
``entities.view``), as listing evidence or reading the ledger is.

A value the user types is read by the same engine that built the index, with the case's
country as phone region, so ``5512-3456`` finds ``+50255123456`` in a Guatemalan case and
``Juan@Mail.com`` finds ``juan@mail.com``; a canonical value typed as stored (``instagram:x``)
is matched as it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

from sqlalchemy import Connection, func, select
from sqlalchemy import case as sql_case

from sabueso.cases.access import Action, CaseRow, authorize
from sabueso.custody import ledger
from sabueso.extract import engine
from sabueso.extract.base import ALL_TYPES, Context
from sabueso.extract.index import capture_prints, parse_attrs, value_key
from sabueso.extract.itemwrite import all_versions
from sabueso.ingest.text import DecodedText, best_reader
from sabueso.store.schema import (
    derivations,
    entities,
    item_derivations,
    items,
    mentions,
    records,
)
from sabueso.workspace import Workspace

__all__ = [
    "CONTEXT_CHARS",
    "EntityMatch",
    "EntityRow",
    "IndexStatus",
    "Mention",
    "entity_mentions",
    "index_status",
    "list_entities",
    "one_line",
    "query_values",
]

CONTEXT_CHARS = 60
CHUNK_IDS = 500
_TYPE_ORDER = {t: i for i, t in enumerate(ALL_TYPES)}
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")


def one_line(text: str) -> str:
    """Context for one line of a terminal: line breaks shown as ``⏎``, tabs as spaces."""
    return _BREAKS.sub("⏎", text).replace("\t", " ")


@dataclass(frozen=True, slots=True)
class EntityRow:
    """Entity (type, value) of a case: mentioned ``mentions`` times, in items ``items``."""

    type: str
    value: str
    attrs: dict[str, Any]
    mentions: int
    items: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "attrs": self.attrs,
                "mentions": self.mentions, "items": [f"E-{n}" for n in self.items]}


@dataclass(frozen=True, slots=True)
class Mention:
    """In item E-<item>, record ``locator``, characters [start, end) read ``raw``."""

    item: int
    name: str
    locator: str | None
    start: int
    end: int
    raw: str
    derived: bool
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        return {"item": f"E-{self.item}", "name": self.name, "locator": self.locator,
                "start": self.start, "end": self.end, "raw": self.raw,
                "derived": self.derived, "before": self.before, "after": self.after}


@dataclass(slots=True)
class EntityMatch:
    type: str
    value: str
    attrs: dict[str, Any]
    mentions: list[Mention] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "attrs": self.attrs,
                "mentions": [m.as_dict() for m in self.mentions]}


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the case's index compares with the running code.

    ``outdated``: items read with another extractor or reader version; ``pending``: items with
    content never derived (added before extraction existed, or by an add that was not
    followed by a derivation), or skipped then but readable now; ``incomplete``: runs that
    never finished (interrupted, or running right now).
    """

    extractor_version: str
    built_with: tuple[str, ...]
    outdated: int
    pending: int
    incomplete: int

    @property
    def current(self) -> bool:
        return not (self.outdated or self.pending or self.incomplete)

    def as_dict(self) -> dict[str, Any]:
        return {"current": self.current, "extractor_version": self.extractor_version,
                "built_with": list(self.built_with), "outdated_items": self.outdated,
                "pending_items": self.pending, "incomplete_runs": self.incomplete}


def index_status(conn: Connection, case: CaseRow) -> IndexStatus:
    versions = all_versions()
    runs = conn.execute(select(derivations.c.id, derivations.c.extractor_version,
                               derivations.c.status)
                        .where(derivations.c.case_id == case.id,
                               derivations.c.status != "superseded")).all()
    old_runs = {r.id for r in runs if r.extractor_version != engine.EXTRACTOR_VERSION}
    incomplete = sum(1 for r in runs if r.status != "complete")
    outdated = pending = 0
    prints = capture_prints(conn, case)  # skipped on purpose, never pending
    rows = conn.execute(
        select(items.c.id, items.c.name, items.c.media_type, item_derivations.c.status,
               item_derivations.c.reader, item_derivations.c.reader_version,
               item_derivations.c.derivation_id)
        .outerjoin(item_derivations, item_derivations.c.item_id == items.c.id)
        .where(items.c.case_id == case.id, items.c.blob_sha256.is_not(None)))
    readable: dict[tuple[str | None, str], bool] = {}
    for row in rows:
        if row.status is None:
            pending += 1
        elif row.status == "skipped":
            if row.id in prints:
                continue
            key = (row.media_type, row.name.rsplit(".", 1)[-1].lower() if "." in row.name
                   else "")
            if key not in readable:
                readable[key] = best_reader(row.media_type, row.name) is not None
            if readable[key]:
                pending += 1
        elif (row.derivation_id in old_runs
              or versions.get(row.reader or "") != row.reader_version):
            outdated += 1
    built = tuple(sorted({str(r.extractor_version) for r in runs}))
    return IndexStatus(engine.EXTRACTOR_VERSION, built, outdated, pending, incomplete)



def _chunks(values: list[Any], size: int = CHUNK_IDS) -> list[list[Any]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def list_entities(ws: Workspace, ref: str, types: frozenset[str] | None = None,
                  limit: int | None = None) -> tuple[CaseRow, IndexStatus, list[EntityRow]]:
    """The case's entities, most mentioned first, with the items they appear in."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        status = index_status(conn, case)
        count = func.count(mentions.c.id).label("n")
        spread = func.count(func.distinct(mentions.c.item_id)).label("spread")
        query = (select(entities.c.id, entities.c.type, entities.c.value, entities.c.attrs,
                        count, spread)
                 .join(mentions, mentions.c.entity_id == entities.c.id)
                 .where(entities.c.case_id == case.id)
                 .group_by(entities.c.id, entities.c.type, entities.c.value, entities.c.attrs)
                 .order_by(count.desc(), spread.desc(),
                           sql_case(_TYPE_ORDER, value=entities.c.type, else_=len(_TYPE_ORDER)),
                           entities.c.value))
        if types is not None:
            query = query.where(entities.c.type.in_(sorted(types)))
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
        where: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks([int(r.id) for r in rows]):
            for entity_id, no in conn.execute(
                    select(mentions.c.entity_id, items.c.no).distinct()
                    .join(items, items.c.id == mentions.c.item_id)
                    .where(mentions.c.entity_id.in_(chunk))):
                where[int(entity_id)].add(int(no))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="entities.list",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"types": sorted(types) if types is not None else None,
                               "entities": len(rows)})
    found = [EntityRow(r.type, r.value, parse_attrs(r.attrs), int(r.n),
                       tuple(sorted(where[int(r.id)]))) for r in rows]
    return case, status, found


def query_values(text: str, region: str | None) -> list[tuple[str, str]]:
    """The (type, canonical value) pairs a user's ``text`` stands for.

    Hits that cover the whole text win (``https://t.me/x`` is that URL and that handle, not also
    the domain inside it); when none does, every hit counts (``tel. 5512-3456``).
    """
    text = text.strip()
    hits = engine.extract_text(text, Context(region=region))
    whole = [h for h in hits if h.start == 0 and h.end == len(text)]
    chosen = whole or hits
    return list(dict.fromkeys((h.type, h.value) for h in chosen))


def _matching(conn: Connection, case: CaseRow, text: str,
              types: frozenset[str] | None) -> list[Any]:
    wanted = query_values(text, case.country)
    literal = {text.strip(), text.strip().lower()}
    keys = [value_key(v) for _t, v in wanted] + [value_key(v) for v in literal]
    query = select(entities.c.id, entities.c.type, entities.c.value, entities.c.attrs).where(
        entities.c.case_id == case.id, entities.c.value_sha256.in_(sorted(set(keys))))
    if types is not None:
        query = query.where(entities.c.type.in_(sorted(types)))
    pairs = set(wanted)
    rows = [r for r in conn.execute(query)
            if (r.type, r.value) in pairs or r.value in literal]
    rows.sort(key=lambda r: (_TYPE_ORDER.get(r.type, 99), r.value))
    return rows


def stream_context(stream: TextIO, spans: list[tuple[int, int]],
                    width: int) -> dict[tuple[int, int], tuple[str, str]]:
    """(before, after) of each span of a text read once from ``stream``, buffering only what
    the next span needs."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    buf = ""
    pos = 0  # offset of buf[0] in the stream
    eof = False

    def drop_before(offset: int) -> None:
        nonlocal buf, pos
        cut = min(max(0, offset - pos), len(buf))
        buf = buf[cut:]
        pos += cut

    for start, end in sorted(set(spans)):
        lo = max(0, start - width)
        while not eof and pos + len(buf) < end + width:
            drop_before(lo)
            chunk = stream.read(1 << 20)
            eof = not chunk
            buf += chunk
        drop_before(lo)
        out[(start, end)] = (buf[lo - pos:start - pos], buf[end - pos:end + width - pos])
    return out


def _contexts(ws: Workspace, conn: Connection, rows: list[Any],
              width: int) -> dict[tuple[int, int, int], tuple[str, str]]:
    """(before, after) for each (record id, start, end): sliced from stored record text, or
    read again from the vault for plain-text files (whose text is not stored)."""
    out: dict[tuple[int, int, int], tuple[str, str]] = {}
    by_record: dict[int, list[tuple[int, int]]] = defaultdict(list)
    streamed: dict[int, str] = {}
    for row in rows:
        by_record[int(row.record_id)].append((int(row.char_start), int(row.char_end)))
        if row.stored is False:
            streamed[int(row.record_id)] = row.blob_sha256
    for chunk in _chunks(sorted(set(by_record) - set(streamed))):
        for record_id, text in conn.execute(select(records.c.id, records.c.text)
                                            .where(records.c.id.in_(chunk))):
            body = text or ""
            for start, end in by_record[int(record_id)]:
                out[(int(record_id), start, end)] = (body[max(0, start - width):start],
                                                     body[end:end + width])
    for record_id, sha256 in streamed.items():
        with ws.vault.open(sha256) as fh:
            found = stream_context(cast(TextIO, DecodedText(fh)), by_record[record_id], width)
        for (start, end), pair in found.items():
            out[(record_id, start, end)] = pair
    return out


def entity_mentions(ws: Workspace, ref: str, text: str, types: frozenset[str] | None = None,
                    width: int = CONTEXT_CHARS
                    ) -> tuple[CaseRow, IndexStatus, list[EntityMatch]]:
    """Every mention, with ``width`` characters of context each side, of the entities the
    user's ``text`` stands for (see ``query_values``)."""
    actor, case = authorize(ws.db, ws.actor, ref, Action.READ)
    with ws.db.begin() as conn:
        status = index_status(conn, case)
        matched = _matching(conn, case, text, types)
        results = {int(r.id): EntityMatch(r.type, r.value, parse_attrs(r.attrs))
                   for r in matched}
        rows: list[Any] = []
        for chunk in _chunks(list(results)):
            rows += conn.execute(
                select(mentions.c.entity_id, mentions.c.record_id, mentions.c.char_start,
                       mentions.c.char_end, mentions.c.raw, mentions.c.derived,
                       records.c.locator, records.c.ordinal,
                       records.c.text.is_not(None).label("stored"),
                       items.c.no, items.c.name, items.c.blob_sha256)
                .join(records, records.c.id == mentions.c.record_id)
                .join(items, items.c.id == mentions.c.item_id)
                .where(mentions.c.entity_id.in_(chunk)))
        rows.sort(key=lambda r: (r.no, r.ordinal, r.char_start, r.char_end))
        context = _contexts(ws, conn, rows, width)
        for row in rows:
            before, after = context.get((int(row.record_id), int(row.char_start),
                                         int(row.char_end)), ("", ""))
            results[int(row.entity_id)].mentions.append(Mention(
                int(row.no), row.name, row.locator, int(row.char_start), int(row.char_end),
                row.raw, bool(row.derived), before, after))
        ledger.append(conn, chain=case.chain, actor=actor.name, action="entities.view",
                      subject=f"case:{case.ref}", case_id=case.id,
                      details={"query": text, "types": sorted(types) if types else None,
                               "entities": [f"{m.type}:{m.value}" for m in results.values()],
                               "mentions": len(rows)})
    return case, status, list(results.values())

