"""The hash chain on its own: every single tampering of a chain is detected and named."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sabueso.custody.chain import GENESIS, check_chain, entry_hash

CHAIN = "case:T-1"


def make_chain(n: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = {"chain": CHAIN, "seq": seq, "ts": f"2026-11-23T10:00:{seq % 60:02d}.000000Z",
                 "actor": "ana", "action": "evidence.add", "subject": f"item:E-{seq}",
                 "details": {"no": seq, "sha256": f"{seq:064x}"}, "prev_hash": prev}
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
        entries.append(entry)
    return entries


def kinds(findings: list[Any]) -> set[tuple[str, int]]:
    return {(f.kind, f.seq) for f in findings}


def test_intact_chain_has_no_findings() -> None:
    chain = make_chain(10)
    assert check_chain(chain, chain=CHAIN, head=(10, chain[-1]["hash"])) == []


def test_edited_entry_is_altered() -> None:
    chain = make_chain(10)
    chain[3]["details"]["sha256"] = "0" * 64
    assert kinds(check_chain(chain, chain=CHAIN, head=(10, chain[-1]["hash"]))) == {
        ("ledger_altered", 4)}


def test_edited_and_rehashed_entry_breaks_the_link_after_it() -> None:
    chain = make_chain(10)
    chain[3]["actor"] = "mallory"
    chain[3]["hash"] = entry_hash(chain[3])
    assert kinds(check_chain(chain, chain=CHAIN, head=(10, chain[-1]["hash"]))) == {
        ("ledger_relinked", 5)}


def test_deleted_entry_is_missing() -> None:
    chain = make_chain(10)
    del chain[4]
    assert kinds(check_chain(chain, chain=CHAIN, head=(10, chain[-1]["hash"]))) == {
        ("ledger_missing", 5)}


def test_swapped_entries_are_reordered_both_ways() -> None:
    chain = make_chain(10)
    a, b = copy.deepcopy(chain[2]), copy.deepcopy(chain[6])
    a["seq"], b["seq"] = 7, 3  # the rows keep their positions' numbers, contents swap
    chain[2], chain[6] = b, a
    found = check_chain(chain, chain=CHAIN, head=(10, chain[-1]["hash"]))
    assert kinds(found) == {("ledger_reordered", 3), ("ledger_reordered", 7)}
    assert {f.seq: f.params["belongs_at"] for f in found} == {3: 7, 7: 3}


def test_removed_tail_is_truncation_against_the_head() -> None:
    chain = make_chain(10)
    head = (10, chain[-1]["hash"])
    assert kinds(check_chain(chain[:8], chain=CHAIN, head=head)) == {("ledger_truncated", 10)}


def test_rewritten_chain_is_caught_by_the_head() -> None:
    chain = make_chain(10)
    head = (10, chain[-1]["hash"])
    forged = make_chain(10)
    forged[9]["actor"] = "mallory"
    forged[9]["hash"] = entry_hash(forged[9])
    assert kinds(check_chain(forged, chain=CHAIN, head=head)) == {("ledger_head_mismatch", 10)}


def test_excerpt_with_gaps_is_not_a_break() -> None:
    chain = make_chain(10)
    excerpt = [chain[0], chain[4], chain[5]]
    assert check_chain(excerpt, chain=CHAIN, head=None, complete=False) == []


def test_wrong_chain_is_reported() -> None:
    chain = make_chain(3)
    assert ("ledger_wrong_chain", 1) in kinds(check_chain(chain, chain="case:OTHER"))


MUTATIONS = st.sampled_from(["edit", "delete", "swap", "truncate", "rehash"])


@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=2, max_value=40), data=st.data(), mutation=MUTATIONS)
def test_any_single_tampering_is_detected(n: int, data: st.DataObject, mutation: str) -> None:
    chain = make_chain(n)
    head = (n, chain[-1]["hash"])
    i = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    if mutation == "edit":
        field = data.draw(st.sampled_from(["ts", "actor", "action", "subject", "details"]))
        chain[i][field] = {"x": 1} if field == "details" else chain[i][field] + "x"
    elif mutation == "delete":
        del chain[i]
    elif mutation == "swap":
        j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i))
        a, b = copy.deepcopy(chain[i]), copy.deepcopy(chain[j])
        a["seq"], b["seq"] = b["seq"], a["seq"]
        chain[i], chain[j] = b, a
    elif mutation == "truncate":
        chain = chain[:i] if i else chain[:1]
        if len(chain) == n:
            chain = chain[:-1]
    else:
        chain[i]["actor"] += "x"
        chain[i]["hash"] = entry_hash(chain[i])
    assert check_chain(chain, chain=CHAIN, head=head), mutation


def test_standalone_script_runs_with_the_standard_library(tmp_path: Path) -> None:
    """chain.py is shipped in packages as verify_ledger.py: it must run outside Sabueso."""
    import json

    import sabueso.custody.chain as chain_module

    script = tmp_path / "verify_ledger.py"
    script.write_bytes(Path(chain_module.__file__).read_bytes())
    chain = make_chain(5)
    ledger = tmp_path / "ledger.jsonl"
    lines = [json.dumps(e) for e in chain] + [json.dumps(
        {"type": "head", "chain": CHAIN, "seq": 5, "hash": chain[-1]["hash"], "complete": True})]
    ledger.write_text("\n".join(lines) + "\n")
    ok = subprocess.run([sys.executable, "-S", "-I", str(script), str(ledger)],
                        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 5 entries")
    chain[2]["actor"] = "mallory"
    lines[2] = json.dumps(chain[2])
    ledger.write_text("\n".join(lines) + "\n")
    bad = subprocess.run([sys.executable, "-S", "-I", str(script), str(ledger)],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert bad.returncode == 1
    assert "entry #3" in bad.stdout
