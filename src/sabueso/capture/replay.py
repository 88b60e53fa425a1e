"""``sabueso replay``: a capture's WARC written out for standard replay tools.

The WARC is copied from the vault (its SHA-256 checked against the item's), with a list of
its records (``records.jsonl``: type, URI, date, status, offset and length, read back with
``warcio``) and a README saying how to open it in ReplayWeb.page or pywb. Nothing captured is
ever served or rendered by Sabueso itself: replay happens in those tools, outside the case.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from sabueso.cases.access import Action, authorize
from sabueso.core.errors import InputError, NotFound, VerificationFailed
from sabueso.core.i18n import t
from sabueso.custody import ledger
from sabueso.store.schema import items
from sabueso.store.schema_capture import capture_items, captures
from sabueso.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ReplayExport:
    capture_id: int
    url: str
    warc: Path
    sha256: str
    records: int
    responses: int


def parse_item(text: str) -> int:
    value = text.strip().upper().removeprefix("E-")
    if not value.isdigit():
        raise InputError("error.capture_bad_item", item=text)
    return int(value)


def index_records(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            http = record.http_headers
            rows.append({
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "status": http.get_statuscode() if http is not None
                and record.rec_type == "response" else None,
                "mime": http.get_header("Content-Type") if http is not None else None,
                "offset": it.get_record_offset()})
            record.content_stream().read()
            rows[-1]["length"] = it.get_record_length()
    return rows


def export_warc(ws: Workspace, ref: str, item: str, out: Path) -> ReplayExport:
    """Write the WARC of the capture that item ``item`` belongs to into folder ``out``."""
    _actor, case = authorize(ws.db, ws.actor, ref, Action.EXPORT)
    no = parse_item(item)
    with ws.db.begin() as conn:
        item_id = conn.execute(select(items.c.id).where(
            items.c.case_id == case.id, items.c.no == no)).scalar()
        if item_id is None:
            raise NotFound("error.capture_item_not_found", item=f"E-{no}", ref=case.ref)
        capture_id = conn.execute(select(capture_items.c.capture_id).where(
            capture_items.c.item_id == item_id)).scalar()
        if capture_id is None:
            capture_id = conn.execute(select(captures.c.id).where(
                captures.c.folder_item_id == item_id)).scalar()
        if capture_id is None:
            raise NotFound("error.capture_not_a_capture", item=f"E-{no}", ref=case.ref)
        row = conn.execute(
            select(captures.c.url, items.c.blob_sha256, items.c.no).select_from(
                captures.join(capture_items, capture_items.c.capture_id == captures.c.id)
                .join(items, items.c.id == capture_items.c.item_id))
            .where(captures.c.id == capture_id, capture_items.c.role == "warc")).one()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{case.ref}-captura-{capture_id}.warc.gz"
    digest = hashlib.sha256()
    with ws.vault.open(str(row.blob_sha256)) as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != row.blob_sha256:
        target.unlink()
        raise VerificationFailed("error.capture_warc_hash", item=f"E-{row.no}")
    records = index_records(target)
    with (out / "records.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    (out / "README.txt").write_text(
        t("capture.replay.readme", file=target.name, url=row.url, sha256=row.blob_sha256,
          ref=case.ref, item=f"E-{row.no}") + "\n", encoding="utf-8")
    responses = sum(1 for r in records if r["type"] == "response")
    with ws.db.begin() as conn:
        ledger.append(conn, chain=case.chain, actor=ws.actor, action="capture.replay_export",
                      subject=f"capture:{capture_id}", case_id=case.id,
                      details={"item": f"E-{row.no}", "sha256": row.blob_sha256,
                               "out": str(target.resolve())})
    return ReplayExport(capture_id, str(row.url), target, str(row.blob_sha256), len(records),
                        responses)
