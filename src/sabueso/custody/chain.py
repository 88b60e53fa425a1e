"""The custody ledger's hash chain: how an entry is hashed and how a chain is checked.

This module uses only the Python standard library on purpose: it is copied, unchanged, into
every evidence package as ``verify_ledger.py`` so a third party can check a ledger excerpt
without Sabueso (``python3 verify_ledger.py ledger.jsonl``).

An entry's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
``{"v": 1, "chain", "seq", "ts", "actor", "action", "subject", "details", "prev"}``, where
``prev`` is the previous entry's hash (64 zeros for the first entry of a chain).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
HASH_VERSION = 1
_REORDER_WINDOW = 64


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any], seq: int | None = None) -> str:
    """The hash an entry must carry. ``seq`` overrides the entry's own (to test a position)."""
    payload = {
        "v": HASH_VERSION,
        "chain": entry["chain"],
        "seq": entry["seq"] if seq is None else seq,
        "ts": entry["ts"],
        "actor": entry["actor"],
        "action": entry["action"],
        "subject": entry["subject"],
        "details": entry["details"],
        "prev": entry["prev_hash"],
    }
    return hashlib.sha256(canonical(payload)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainFinding:
    """One break in a chain. ``kind`` is a stable code; ``seq`` the entry it concerns."""

    kind: str
    seq: int
    params: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        p = self.params
        return {
            "ledger_altered": f"entry #{self.seq}: content does not match its hash (altered)",
            "ledger_reordered": f"entry #{p.get('belongs_at')} was found at position #{self.seq}"
                                " (entries moved or swapped)",
            "ledger_missing": f"entries #{self.seq} to #{p.get('last')} are missing (removed)",
            "ledger_relinked": f"entry #{self.seq} does not follow entry #{self.seq - 1}: one of"
                               " them was replaced or re-hashed",
            "ledger_truncated": f"the chain ends at #{p.get('last')} but its head says"
                                f" #{self.seq}: the last entries were removed",
            "ledger_head_mismatch": f"entry #{self.seq} is not the entry recorded as the chain's"
                                    " head (the chain was rewritten)",
            "ledger_beyond_head": f"entry #{self.seq} lies beyond the recorded head (inserted)",
            "ledger_wrong_chain": f"entry #{self.seq} belongs to chain {p.get('found')!r}",
        }.get(self.kind, f"{self.kind} at #{self.seq}")


def _true_position(entry: Mapping[str, Any], guesses: Sequence[int]) -> int | None:
    for candidate in guesses:
        if candidate > 0 and entry_hash(entry, candidate) == entry["hash"]:
            return candidate
    return None


def check_chain(entries: Sequence[Mapping[str, Any]], *, chain: str,
                head: tuple[int, str] | None = None,
                complete: bool = True) -> list[ChainFinding]:
    """Check a chain (entries sorted by ``seq`` as stored).

    ``head`` is the (seq, hash) the store recorded for the last entry, when known.
    ``complete`` is False for an excerpt: gaps are then expected and not reported.
    """
    findings: list[ChainFinding] = []
    intact: dict[int, bool] = {}
    by_hash = {str(e["hash"]): int(e["seq"]) for e in entries}
    for entry in entries:
        seq = int(entry["seq"])
        if entry["chain"] != chain:
            findings.append(ChainFinding("ledger_wrong_chain", seq, {"found": entry["chain"]}))
            intact[seq] = False
            continue
        if entry_hash(entry) == entry["hash"]:
            intact[seq] = True
            continue
        intact[seq] = False
        prev = str(entry["prev_hash"])
        guesses = [1] if prev == GENESIS else []
        if prev in by_hash:
            guesses.append(by_hash[prev] + 1)
        guesses += [s for d in range(1, _REORDER_WINDOW) for s in (seq - d, seq + d)]
        moved_from = _true_position(entry, guesses)
        if moved_from is not None:
            findings.append(ChainFinding("ledger_reordered", seq, {"belongs_at": moved_from}))
        else:
            findings.append(ChainFinding("ledger_altered", seq))
    # links between neighbours that are both present
    previous: Mapping[str, Any] | None = None
    for entry in entries:
        seq = int(entry["seq"])
        if previous is not None and int(previous["seq"]) == seq - 1:
            if entry["prev_hash"] != previous["hash"] and intact.get(seq) and intact.get(seq - 1):
                findings.append(ChainFinding("ledger_relinked", seq))
        elif previous is None and seq == 1 and entry["prev_hash"] != GENESIS and intact.get(seq):
            findings.append(ChainFinding("ledger_relinked", seq))
        previous = entry
    if complete:
        expected = 1
        for entry in entries:
            seq = int(entry["seq"])
            if seq > expected:
                findings.append(ChainFinding("ledger_missing", expected, {"last": seq - 1}))
            expected = max(expected, seq + 1)
        last = int(entries[-1]["seq"]) if entries else 0
        if head is not None:
            head_seq, head_hash = head
            if head_seq > last:
                findings.append(ChainFinding("ledger_truncated", head_seq, {"last": last}))
            elif head_seq < last:
                for entry in entries:
                    if int(entry["seq"]) > head_seq:
                        findings.append(ChainFinding("ledger_beyond_head", int(entry["seq"])))
            if head_seq <= last:
                at_head = next((e for e in entries if int(e["seq"]) == head_seq), None)
                if at_head is not None and at_head["hash"] != head_hash:
                    findings.append(ChainFinding("ledger_head_mismatch", head_seq))
    findings.sort(key=lambda f: (f.seq, f.kind))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Check a ledger excerpt written as JSON Lines: ``verify_ledger.py ledger.jsonl``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python3 verify_ledger.py ledger.jsonl", file=sys.stderr)
        return 2
    entries: list[dict[str, Any]] = []
    head: tuple[int, str] | None = None
    complete = True
    with open(args[0], encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{args[0]}:{number}: not JSON ({exc})", file=sys.stderr)
                return 2
            if record.get("type") == "head":
                head = (int(record["seq"]), str(record["hash"]))
                complete = bool(record.get("complete", True))
                continue
            entries.append(record)
    if not entries:
        print("no entries")
        return 1
    findings = check_chain(entries, chain=str(entries[0]["chain"]), head=head, complete=complete)
    for finding in findings:
        print("BROKEN:", finding.describe())
    if not findings:
        last = entries[-1]
        print(f"OK: {len(entries)} entries of {last['chain']}, last #{last['seq']} {last['hash']}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
