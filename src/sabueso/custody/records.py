"""Cross-checks of the database's records against what the ledger says happened.

The ledger is the witness: replaying its entries gives what each evidence item, the case's own
fields, its membership and the workspace's users must be. Any row that disagrees was changed
behind Sabueso's back, and is reported with the field and the entry that contradicts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sabueso.core.i18n import t
from sabueso.core.timeutil import iso_utc
from sabueso.custody.ledger import Entry


@dataclass(frozen=True, slots=True)
class Finding:
    """One break: ``kind`` is a stable code, ``subject`` what it concerns."""

    kind: str
    chain: str
    subject: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        return t("verify." + self.kind, subject=self.subject, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "chain": self.chain, "subject": self.subject,
                "params": self.params, "message": self.message()}


def _iso(value: Any) -> str | None:
    return iso_utc(value) if value is not None else None


def check_items(chain: str, rows: Iterable[Mapping[str, Any]],
                entries: Iterable[Entry]) -> list[Finding]:
    """Each item row against its ``evidence.add`` entry; rows without one, entries without row."""
    recorded: dict[int, tuple[int, str, dict[str, Any]]] = {}
    for entry in entries:
        if entry.action == "evidence.add" and isinstance(entry.details, dict):
            no = entry.details.get("no")
            if isinstance(no, int):
                recorded[no] = (entry.seq, entry.actor, entry.details)
    findings: list[Finding] = []
    for row in rows:
        label = f"E-{row['no']}"
        found = recorded.pop(int(row["no"]), None)
        if found is None:
            findings.append(Finding("item_unrecorded", chain, label))
            continue
        seq, actor, details = found
        expected: dict[str, Any] = {
            "identity": row["identity"], "kind": row["kind"], "name": row["name"],
            "original_path": row["original_path"],
            "parent": f"E-{row['parent_no']}" if row["parent_no"] else None,
            "source": row["source"], "note": row["note"],
            "acquired_at": _iso(row["acquired_at"]),
        }
        if row["fs_modified_at"] is not None or "modified_at" in details:
            expected["modified_at"] = _iso(row["fs_modified_at"])
        if row["blob_sha256"] is not None or "sha256" in details:
            expected.update(sha256=row["blob_sha256"], sha1=row["sha1"], md5=row["md5"],
                            size=row["blob_size"], media_type=row["media_type"])
        for key, value in expected.items():
            if details.get(key) != value:
                findings.append(Finding("item_mismatch", chain, label,
                                        {"field": key, "seq": seq}))
        if actor != row["added_by"]:
            findings.append(Finding("item_mismatch", chain, label,
                                    {"field": "added_by", "seq": seq}))
    for no, (seq, _actor, _details) in sorted(recorded.items()):
        findings.append(Finding("item_removed", chain, f"E-{no}", {"seq": seq}))
    return findings


CASE_FIELDS = ("title", "country", "tz", "prosecutor", "legal_basis")


def check_case(chain: str, row: Mapping[str, Any], members: Mapping[str, str],
               entries: Iterable[Entry]) -> list[Finding]:
    """The case's fields, status and membership, replayed from its chain."""
    fields: dict[str, Any] | None = None
    fields_seq = 0
    status, status_seq = "open", 0
    expected_members: dict[str, tuple[str, int]] = {}
    removed: dict[str, int] = {}
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        if entry.action == "case.create":
            fields = {k: details.get(k) for k in CASE_FIELDS}
            fields_seq = entry.seq
        elif entry.action in ("case.close", "case.reopen"):
            status = "closed" if entry.action == "case.close" else "open"
            status_seq = entry.seq
        elif entry.action == "case.grant" and entry.subject.startswith("user:"):
            expected_members[entry.subject[5:]] = (str(details.get("role")), entry.seq)
            removed.pop(entry.subject[5:], None)
        elif entry.action == "case.revoke" and entry.subject.startswith("user:"):
            expected_members.pop(entry.subject[5:], None)
            removed[entry.subject[5:]] = entry.seq
    findings: list[Finding] = []
    ref = f"case:{row['ref']}"
    if fields is None:
        findings.append(Finding("case_unrecorded", chain, ref))
    else:
        for key in CASE_FIELDS:
            if fields[key] != row[key]:
                findings.append(Finding("case_mismatch", chain, ref,
                                        {"field": key, "seq": fields_seq}))
    if row["status"] != status:
        findings.append(Finding("case_mismatch", chain, ref,
                                {"field": "status", "seq": status_seq}))
    for user, role in sorted(members.items()):
        want = expected_members.pop(user, None)
        if want is None:
            findings.append(Finding("member_unrecorded", chain, f"user:{user}", {"role": role}))
        elif want[0] != role:
            findings.append(Finding("member_mismatch", chain, f"user:{user}",
                                    {"role": role, "recorded": want[0], "seq": want[1]}))
    for user, (role, seq) in sorted(expected_members.items()):
        findings.append(Finding("member_removed", chain, f"user:{user}",
                                {"role": role, "seq": seq}))
    return findings


def check_users(chain: str, users: Mapping[str, tuple[str, bool]],
                entries: Iterable[Entry]) -> list[Finding]:
    """The workspace's users (role, active), replayed from the system chain."""
    expected: dict[str, tuple[str, bool, int]] = {}
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        name = entry.subject[5:] if entry.subject.startswith("user:") else None
        if name is None:
            continue
        if entry.action in ("user.bootstrap", "user.add"):
            expected[name] = (str(details.get("role")), True, entry.seq)
        elif entry.action in ("user.disable", "user.enable") and name in expected:
            role, _active, _seq = expected[name]
            expected[name] = (role, entry.action == "user.enable", entry.seq)
    findings: list[Finding] = []
    for name, (role, active) in sorted(users.items()):
        want = expected.pop(name, None)
        if want is None:
            findings.append(Finding("user_unrecorded", chain, f"user:{name}", {"role": role}))
            continue
        if want[0] != role:
            findings.append(Finding("user_mismatch", chain, f"user:{name}",
                                    {"field": "role", "seq": want[2]}))
        if want[1] != active:
            findings.append(Finding("user_mismatch", chain, f"user:{name}",
                                    {"field": "active", "seq": want[2]}))
    for name, (_role, _active, seq) in sorted(expected.items()):
        findings.append(Finding("user_removed", chain, f"user:{name}", {"seq": seq}))
    return findings
