"""Evidence packages: ``sabueso export`` and ``sabueso verify-package``.

A package is a ZIP a third party can check without Sabueso:

- ``evidence/E-<n>_<name>``: the originals, byte for byte;
- ``manifest.json``: every item with its metadata and MD5/SHA-1/SHA-256;
- ``ledger.jsonl``: the custody ledger excerpt, one entry a line, then a ``head`` line;
- ``verify_ledger.py``: a standard-library script that re-checks the ledger's hash chain;
- ``LEEME-README.txt``: how to verify, in Spanish and English;
- ``SHA256SUMS``: ``sha256sum -c SHA256SUMS`` checks every file above.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sabueso import __version__
from sabueso.cases.access import Action, authorize
from sabueso.core.canonical import canonical_json
from sabueso.core.errors import InputError, NotFound
from sabueso.core.i18n import t
from sabueso.core.timeutil import iso_utc, utcnow
from sabueso.custody import ledger
from sabueso.custody.chain import check_chain
from sabueso.store.schema import blobs, cases, items
from sabueso.workspace import Workspace

FORMAT = "sabueso-evidence-package/1"
SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
LEDGER = "ledger.jsonl"
SCRIPT = "verify_ledger.py"
README = "LEEME-README.txt"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "item"
    return cleaned[:120]


def parse_item_refs(values: list[str]) -> list[int]:
    numbers: list[int] = []
    for value in values:
        for part in value.replace(",", " ").split():
            match = re.fullmatch(r"(?:E-?)?(\d+)", part.strip(), re.IGNORECASE)
            if not match:
                raise InputError("error.bad_item_ref", value=part)
            numbers.append(int(match.group(1)))
    return numbers


@dataclass(slots=True)
class ExportResult:
    path: Path
    sha256: str
    items: int
    files: int
    bytes: int
    ledger_entries: int


def _iso(value: Any) -> str | None:
    return iso_utc(value) if value is not None else None


def export_case(ws: Workspace, ref: str, out: Path, item_refs: list[str] | None = None,
                progress: Callable[[int, int], None] | None = None) -> ExportResult:
    actor, case = authorize(ws.db, ws.actor, ref, Action.EXPORT)
    out = out.absolute()
    if out.suffix.lower() != ".zip":
        raise InputError("error.export_not_zip", location=str(out))
    if not out.parent.is_dir():
        raise NotFound("error.path_missing", location=str(out.parent))
    if out.exists():
        raise InputError("error.export_exists", location=str(out))
    with ws.db.begin() as conn:
        case_row = conn.execute(select(cases).where(cases.c.id == case.id)).one()
        rows = conn.execute(select(items, blobs.c.sha1, blobs.c.md5)
                            .outerjoin(blobs, blobs.c.sha256 == items.c.blob_sha256)
                            .where(items.c.case_id == case.id).order_by(items.c.no)).all()
        chain_entries = [e.as_dict() for e in ledger.entries(conn, case.chain)]
        head = ledger.head(conn, case.chain)
    by_id = {r.id: r for r in rows}
    selected = rows
    complete = True
    if item_refs:
        wanted = set(parse_item_refs(item_refs))
        known = {r.no for r in rows}
        missing = sorted(wanted - known)
        if missing:
            raise NotFound("error.item_not_found", ref=ref, item=f"E-{missing[0]}")
        chosen = {r.id for r in rows if r.no in wanted}
        changed = True
        while changed:  # take the descendants of what was chosen
            changed = False
            for r in rows:
                if r.parent_id in chosen and r.id not in chosen:
                    chosen.add(r.id)
                    changed = True
        selected = [r for r in rows if r.id in chosen]
        complete = False
        labels = {f"item:E-{r.no}" for r in selected}
        chain_entries = [e for e in chain_entries
                         if e["subject"] in labels or e["action"] == "case.create"]
    manifest_items = []
    total = sum(int(r.size or 0) for r in selected if r.blob_sha256)
    tmp = out.with_name(f".{out.name}.partial")
    sums: list[tuple[str, str]] = []
    done = 0
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for r in selected:
                entry: dict[str, Any] = {
                    "id": f"E-{r.no}", "kind": r.kind, "name": r.name,
                    "original_path": r.original_path,
                    "parent": f"E-{by_id[r.parent_id].no}" if r.parent_id else None,
                    "sha256": r.blob_sha256, "sha1": r.sha1, "md5": r.md5, "size": r.size,
                    "media_type": r.media_type, "source": r.source, "note": r.note,
                    "acquired_at": _iso(r.acquired_at), "added_at": _iso(r.added_at),
                    "added_by": r.added_by, "modified_at": _iso(r.fs_modified_at),
                    "file": None,
                }
                if r.blob_sha256:
                    arcname = f"evidence/E-{r.no}_{_safe_name(r.name)}"
                    digest = _copy_blob(ws, r.blob_sha256, zf, arcname)
                    if digest != r.blob_sha256:
                        raise InputError("error.export_blob_changed", location=f"E-{r.no}")
                    sums.append((digest, arcname))
                    entry["file"] = arcname
                    done += int(r.size or 0)
                    if progress:
                        progress(done, total)
                manifest_items.append(entry)
            manifest = {
                "format": FORMAT, "tool": {"name": "sabueso", "version": __version__},
                "exported_at": iso_utc(utcnow()), "exported_by": actor.name,
                "case": {"ref": case_row.ref, "title": case_row.title,
                         "country": case_row.country, "tz": case_row.tz,
                         "prosecutor": case_row.prosecutor,
                         "legal_basis": case_row.legal_basis},
                "selection": "all" if complete else "items",
                "items": manifest_items,
                "ledger": {"chain": case.chain, "entries": len(chain_entries),
                           "complete": complete, "head_seq": head[0] if head else 0,
                           "head_hash": head[1] if head else None},
            }
            lines = [canonical_json(e) for e in chain_entries]
            lines.append(canonical_json({"type": "head", "chain": case.chain,
                                         "seq": head[0] if head else 0,
                                         "hash": head[1] if head else None,
                                         "complete": complete}))
            script = resources.files("sabueso.custody").joinpath("chain.py").read_bytes()
            for name, data in (
                (MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")),
                (LEDGER, ("\n".join(lines) + "\n").encode("utf-8")),
                (SCRIPT, script),
                (README, _readme(case_row.ref, len(selected)).encode("utf-8")),
            ):
                zf.writestr(name, data)
                sums.append((hashlib.sha256(data).hexdigest(), name))
            zf.writestr(SUMS, "".join(f"{d}  {n}\n" for d, n in sums).encode("utf-8"))
        with tmp.open("rb") as fh:
            package_hash = hashlib.file_digest(fh, "sha256").hexdigest()
            os.fsync(fh.fileno())
        with ws.db.begin() as conn:
            ledger.append(conn, chain=case.chain, actor=actor.name, action="export",
                          subject=f"case:{ref}", case_id=case.id,
                          details={"file": out.name, "sha256": package_hash,
                                   "items": [f"E-{r.no}" for r in selected],
                                   "ledger_entries": len(chain_entries),
                                   "complete": complete})
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportResult(out, package_hash, len(selected), len(sums), total, len(chain_entries))


def _copy_blob(ws: Workspace, sha256: str, zf: zipfile.ZipFile, arcname: str) -> str:
    digest = hashlib.sha256()
    try:
        source = ws.vault.open(sha256)
    except FileNotFoundError:
        raise InputError("error.export_blob_missing", location=arcname) from None
    with source, zf.open(arcname, "w", force_zip64=True) as target:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _readme(ref: str, count: int) -> str:
    parts = []
    for lang in ("es", "en"):
        parts.append(t("package.readme", lang, ref=ref, count=count, sums=SUMS, ledger=LEDGER,
                       script=SCRIPT, manifest=MANIFEST))
    return "\n\n".join(parts) + "\n"


@dataclass(slots=True)
class PackageReport:
    path: Path
    case: str | None = None
    files_checked: int = 0
    items: int = 0
    ledger_entries: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(path: Path) -> PackageReport:
    report = PackageReport(path)
    if not path.is_file():
        raise NotFound("error.path_missing", location=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError("error.package_unreadable", location=str(path), reason=str(exc)) \
            from None
    with zf:
        names = set(zf.namelist())
        for required in (SUMS, MANIFEST, LEDGER):
            if required not in names:
                report.problems.append(("missing_file", t("package.missing_file", name=required)))
        if report.problems:
            return report
        listed: dict[str, str] = {}
        for number, line in enumerate(zf.read(SUMS).decode("utf-8", "replace").splitlines(), 1):
            match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
            if not match:
                report.problems.append(("bad_sums_line",
                                        t("package.bad_sums_line", line=number)))
                continue
            listed[match.group(2)] = match.group(1)
        for name, expected in sorted(listed.items()):
            if name not in names:
                report.problems.append(("missing_file", t("package.missing_file", name=name)))
                continue
            actual = _zip_member_sha256(zf, name)
            report.files_checked += 1
            if actual != expected:
                report.problems.append(("hash_mismatch",
                                        t("package.hash_mismatch", name=name)))
        for name in sorted(names - set(listed) - {SUMS}):
            if not name.endswith("/"):
                report.problems.append(("unlisted_file", t("package.unlisted_file", name=name)))
        _check_manifest_and_ledger(zf, listed, report)
    return report


def _zip_member_sha256(zf: zipfile.ZipFile, name: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return digest.hexdigest()


def _check_manifest_and_ledger(zf: zipfile.ZipFile, listed: dict[str, str],
                               report: PackageReport) -> None:
    try:
        manifest = json.loads(zf.read(MANIFEST))
        entries = [json.loads(line) for line in zf.read(LEDGER).decode("utf-8").splitlines()
                   if line.strip()]
    except (ValueError, UnicodeDecodeError) as exc:
        report.problems.append(("bad_json", t("package.bad_json", reason=str(exc))))
        return
    report.case = manifest.get("case", {}).get("ref")
    head_line = next((e for e in entries if e.get("type") == "head"), None)
    chain_entries = [e for e in entries if e.get("type") != "head"]
    report.ledger_entries = len(chain_entries)
    chain = (head_line or {}).get("chain") or manifest.get("ledger", {}).get("chain", "")
    complete = bool((head_line or {}).get("complete", False))
    head = (int(head_line["seq"]), str(head_line["hash"])) if head_line and complete else None
    for finding in check_chain(chain_entries, chain=chain, head=head, complete=complete):
        report.problems.append((finding.kind, finding.describe()))
    intake = {e["details"].get("no"): e["details"] for e in chain_entries
              if e.get("action") == "evidence.add" and isinstance(e.get("details"), dict)}
    for item in manifest.get("items", []):
        report.items += 1
        label = item.get("id")
        no = int(str(label).removeprefix("E-")) if str(label).startswith("E-") else None
        recorded = intake.get(no)
        if recorded is None:
            report.problems.append(("item_unrecorded", t("package.item_unrecorded", item=label)))
            continue
        for key in ("sha256", "sha1", "md5", "size", "original_path"):
            if recorded.get(key) != item.get(key):
                report.problems.append(("item_mismatch", t("package.item_mismatch", item=label,
                                                            field=key)))
        if item.get("file") and listed.get(item["file"]) != item.get("sha256"):
            report.problems.append(("item_mismatch", t("package.item_mismatch", item=label,
                                                        field="file")))
