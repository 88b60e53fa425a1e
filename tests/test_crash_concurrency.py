"""Crash and concurrency guarantees of ``sabueso add``, on SQLite and PostgreSQL.

Every Sabueso command here runs as its own process (``python -m sabueso``), as in real use:

* an add killed with SIGKILL early or late leaves a case that verifies, and the same command
  resumes it to exactly one item per file and folder;
* an add interrupted with Ctrl-C (SIGINT) stops at once, without copying the rest of the folder
  into the vault, and resumes the same way;
* two adds into one case at the same time keep item numbers and the ledger contiguous;
* adds into two cases that share content, with ``case new``, ``log``, ``case show`` and
  ``evidence`` running alongside, all succeed (no deadlock on PostgreSQL) and leave every chain
  intact;
* several first commands on a new workspace at once make exactly one administrator.

The database is watched through a separate plain SQLAlchemy engine (autocommit reads), so a
kill is sent only once some, but not all, of the files are committed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from conftest import Env

pytestmark = pytest.mark.slow

SMALL_FILES = 3000
SUB_FOLDERS = 23
BIG_FILES = 4
BIG_SIZE = 12 << 20  # above the vault's parallel-MD5 threshold
COMMAND_TIMEOUT = 180


@dataclass(frozen=True)
class Tree:
    root: Path
    digests: dict[str, str]  # sha256 -> path of the file holding it (each content once)
    folders: int  # the root included
    big: frozenset[str]  # sha256 of the large files, which are copied last

    @property
    def files(self) -> int:
        return len(self.digests)

    @property
    def items(self) -> int:
        return self.files + self.folders


def _write(path: Path, data: bytes, digests: dict[str, str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    assert digest not in digests, "test data must hold each content once"
    digests[digest] = str(path)
    return digest


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    """~3000 small files in sub-folders, then a folder of large files (sorted last, so the
    intake reaches them last)."""
    root = tmp_path_factory.mktemp("crash") / "seized"
    digests: dict[str, str] = {}
    for n in range(SMALL_FILES):
        data = f"chat export line {n}\n".encode() * (1 + n % 11)
        _write(root / f"d{n % SUB_FOLDERS:02d}" / f"msg{n:05d}.txt", data, digests)
    rng = random.Random(20261123)
    big = {_write(root / "zz_images" / f"disk{j}.bin", rng.randbytes(BIG_SIZE), digests)
           for j in range(BIG_FILES)}
    return Tree(root, digests, 1 + SUB_FOLDERS + 1, frozenset(big))


def _small_tree(root: Path, contents: list[bytes], folders: int) -> Tree:
    digests: dict[str, str] = {}
    for n, data in enumerate(contents):
        _write(root / f"sub{n % folders}" / f"f{n:05d}.dat", data, digests)
    return Tree(root, digests, 1 + folders, frozenset())


@pytest.fixture(scope="module")
def two_trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tree, Tree]:
    """Two folders with different content (for two adds into one case)."""
    base = tmp_path_factory.mktemp("pair")
    return (_small_tree(base / "phone", [f"phone {n}\n".encode() * 5 for n in range(800)], 7),
            _small_tree(base / "laptop", [f"laptop {n}\n".encode() * 5 for n in range(800)], 9))


@pytest.fixture(scope="module")
def shared_trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tree, Tree]:
    """Two folders holding the same contents in opposite orders (for adds into two cases):
    their batches record the same blobs at the same time, in opposite orders."""
    base = tmp_path_factory.mktemp("shared")
    contents = [f"forwarded attachment {n}\n".encode() * 4 for n in range(800)]
    return (_small_tree(base / "copy_a", contents, 1),
            _small_tree(base / "copy_b", contents[::-1], 1))


# --- processes and the database ------------------------------------------------------------


def spawn(env: Env, *args: str, log: Path | None = None,
          user: str | None = None) -> subprocess.Popen[bytes]:
    """``sabueso ARGS`` in a process of its own; stderr to ``log`` when given."""
    return subprocess.Popen(
        [sys.executable, "-m", "sabueso", *args], env={**os.environ, **env.environ(user)},
        stdout=subprocess.DEVNULL, stderr=log.open("wb") if log else subprocess.DEVNULL)


def sabueso(env: Env, *args: str, user: str | None = None) -> tuple[int, str, str]:
    """Run ``sabueso ARGS`` to the end: (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "sabueso", *args],
                          env={**os.environ, **env.environ(user)}, capture_output=True,
                          timeout=COMMAND_TIMEOUT, check=False)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def ok(env: Env, *args: str) -> str:
    code, out, err = sabueso(env, *args)
    assert code == 0, f"sabueso {' '.join(args)} -> {code}\n{out[-2000:]}\n{err[-2000:]}"
    return out


class Watcher:
    """Reads the database beside the processes under test (never takes a write lock)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, poolclass=NullPool,
                                            isolation_level="AUTOCOMMIT")
        self.conn = self.engine.connect()

    def count(self, ref: str, kind: str | None = None) -> int:
        query = ("SELECT count(*) FROM items JOIN cases ON cases.id = items.case_id"
                 " WHERE cases.ref = :ref" + (" AND items.kind = :kind" if kind else ""))
        return int(self.conn.execute(text(query), {"ref": ref, "kind": kind}).scalar_one())

    def settle(self) -> None:
        """Wait until PostgreSQL has ended the sessions of killed processes (and with them any
        transaction they left open or COMMIT they had sent)."""
        if self.engine.dialect.name != "postgresql":
            return  # SQLite: the lock and any unfinished transaction end with the process
        query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     " AND pid <> pg_backend_pid()")
        deadline = time.monotonic() + 60
        while self.conn.execute(query).scalar_one():
            assert time.monotonic() < deadline, "a killed process's session never ended"
            time.sleep(0.01)

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


@pytest.fixture
def watcher(env: Env) -> Iterator[Watcher]:
    env.ok("init")  # the schema exists before anything is watched
    found = Watcher(env.url)
    yield found
    found.close()


def vault_has(env: Env, sha256: str) -> bool:
    return (env.home / "vault" / "sha256" / sha256[:2] / sha256[2:4] / sha256).is_file()


def vault_blobs(env: Env) -> int:
    return sum(len(files) for _dir, _subdirs, files in os.walk(env.home / "vault" / "sha256"))


def leftover_temp_files(env: Env) -> list[Path]:
    tmp = env.home / "vault" / "tmp"
    return sorted(tmp.iterdir()) if tmp.is_dir() else []


# --- checks -------------------------------------------------------------------------------


def verify_json(env: Env, ref: str | None = None) -> dict[str, Any]:
    code, out, err = sabueso(env, "verify", *([ref] if ref else []), "--json")
    doc: dict[str, Any] = json.loads(out)
    assert code == 0 and doc["ok"], f"verify failed ({code}):\n{out[-4000:]}\n{err[-2000:]}"
    return doc


def log_entries(env: Env, ref: str) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in ok(env, "log", ref, "--json").splitlines()
               if line.strip()]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1)), "ledger seq gap"
    return entries


def check_complete(env: Env, ref: str, trees: list[Tree]) -> list[dict[str, Any]]:
    """The case holds every file and folder of ``trees`` exactly once, numbered E-1..E-N
    without gaps, its ledger is contiguous and it verifies with no open intake."""
    listed: list[dict[str, Any]] = json.loads(ok(env, "evidence", ref, "--json"))
    expected = sum(t.items for t in trees)
    assert len(listed) == expected, f"{len(listed)} items, expected {expected}"
    assert sorted(i["no"] for i in listed) == list(range(1, expected + 1))
    files = [i for i in listed if i["kind"] == "file"]
    folders = [i for i in listed if i["kind"] == "folder"]
    assert len(folders) == sum(t.folders for t in trees)
    counts = Counter(i["sha256"] for i in files)
    wanted: dict[str, str] = {}
    for tree in trees:
        wanted.update(tree.digests)
    assert set(counts) == set(wanted), "files missing or foreign"
    assert [d for d, n in counts.items() if n != 1] == [], "a file was recorded twice"
    assert {i["original_path"] for i in files} == set(wanted.values())
    doc = verify_json(env, ref)
    assert doc["chains"][0]["notes"] == [], "an intake is still open"
    assert doc["chains"][0]["items"] == expected
    entries = log_entries(env, ref)
    added = [e["details"]["no"] for e in entries if e["action"] == "evidence.add"]
    assert sorted(added) == list(range(1, expected + 1)), "evidence.add entries != items"
    return entries


# --- 1. kill -9 mid-way, then resume --------------------------------------------------------


@dataclass(frozen=True)
class Interrupted:
    ref: str
    committed: int  # files committed once the process was gone
    took: float  # seconds from the signal to the end of the process
    vault_at_signal: int  # blobs in the vault when the signal was sent


def add_and_kill(env: Env, watcher: Watcher, ref: str, tree: Tree, at_least: int,
                 sig: signal.Signals, log: Path) -> tuple[int, float, int]:
    """Start ``add REF TREE`` and send ``sig`` once ``at_least`` files are committed.

    Returns (exit code, seconds the process took to exit after the signal, blobs in the vault
    when it was sent). The exit code is 0 when the add finished before the signal."""
    proc = spawn(env, "add", ref, str(tree.root), "--json", log=log)
    deadline = time.monotonic() + COMMAND_TIMEOUT
    try:
        while proc.poll() is None:
            if watcher.count(ref, "file") >= at_least:
                blobs = vault_blobs(env)
                sent = time.monotonic()
                proc.send_signal(sig)
                code = proc.wait(timeout=60)
                return code, time.monotonic() - sent, blobs
            assert time.monotonic() < deadline, "the add made no progress"
            time.sleep(0.005)
        return proc.wait(), 0.0, 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        watcher.settle()


def interrupt_mid_way(env: Env, watcher: Watcher, tree: Tree, fraction: float,
                      sig: signal.Signals, tmp_path: Path) -> Interrupted:
    """Interrupt an add of ``tree`` with ``sig`` after ``fraction`` of its files (at least one
    batch) are committed, retrying in a new case when the add beats the signal. Fails when no
    attempt was interrupted mid-way."""
    at_least = max(1, int(tree.files * fraction))
    attempts: list[str] = []
    for attempt in range(1, 4):
        ref = f"GT-{attempt}"
        env.new_case(ref)
        code, took, blobs = add_and_kill(env, watcher, ref, tree, at_least, sig,
                                         tmp_path / f"add-{ref}.err")
        done = watcher.count(ref, "file")
        # SIGKILL shows as -9; Sabueso turns Ctrl-C into exit 130
        if code in (-sig, 128 + sig) and 0 < done < tree.files:
            return Interrupted(ref, done, took, blobs)
        attempts.append(f"{ref}: exit {code}, {done}/{tree.files} files committed")
    pytest.fail("the signal never landed mid-way; make the tree bigger:\n" + "\n".join(attempts))


def resume(env: Env, ref: str, tree: Tree) -> dict[str, Any]:
    """The same command again, as the investigator would type it."""
    code, out, err = sabueso(env, "add", ref, str(tree.root), "--json")
    assert code == 0, f"resume exited {code}:\n{err[-3000:]}"
    doc: dict[str, Any] = json.loads(out)
    assert doc["resumed"] is True
    return doc


@pytest.mark.parametrize("point", [0.05, 0.7], ids=["early", "late"])
def test_killed_add_leaves_a_consistent_case_that_the_same_add_completes(
        env: Env, watcher: Watcher, big_tree: Tree, tmp_path: Path, point: float) -> None:
    killed = interrupt_mid_way(env, watcher, big_tree, point, signal.SIGKILL, tmp_path)
    ref = killed.ref
    items_before = watcher.count(ref)
    assert big_tree.folders < items_before < big_tree.items
    if point > 0.5:
        assert killed.committed >= big_tree.files // 2, "the late kill landed early"

    # consistent as it is: verify passes, and notes the interrupted intake
    doc = verify_json(env, ref)
    assert doc["chains"][0]["items"] == items_before
    assert len(doc["chains"][0]["notes"]) == 1
    # the copies of files not yet recorded remain as temp files in the vault (not evidence,
    # never put in place)
    left = leftover_temp_files(env)
    assert all(p.suffix == ".part" for p in left)
    assert len(left) <= big_tree.files - killed.committed
    # the next add removes those an hour old (younger ones may be another add's, in progress)
    stale = time.time() - 2 * 3600
    for path in left:
        os.utime(path, (stale, stale))

    report = resume(env, ref, big_tree)
    assert len(report["added"]) == big_tree.items - items_before
    assert report["failed"] == []
    assert leftover_temp_files(env) == []

    entries = check_complete(env, ref, [big_tree])
    actions = Counter(e["action"] for e in entries)
    assert actions["intake.start"] == 1 and actions["intake.resume"] == 1
    assert actions["intake.complete"] == 1 and actions["intake.incomplete"] == 0
    (start,) = [e for e in entries if e["action"] == "intake.start"]
    (resumed,) = [e for e in entries if e["action"] == "intake.resume"]
    assert resumed["subject"] == start["subject"] == f"intake:{report['intake']}"
    # every item of the case came in through that one intake
    assert {e["details"]["intake"] for e in entries if e["action"] == "evidence.add"} == {
        report["intake"]}


def test_interrupted_add_stops_copying_and_resumes(env: Env, watcher: Watcher, big_tree: Tree,
                                                   tmp_path: Path) -> None:
    """Ctrl-C: the add exits 130 without first copying every file still queued."""
    stopped = interrupt_mid_way(env, watcher, big_tree, 0.05, signal.SIGINT, tmp_path)
    ref = stopped.ref
    assert stopped.took < 30
    queued = big_tree.files - stopped.vault_at_signal
    assert queued >= 500, "the copies ran too far ahead of the database to tell"
    # only the copies in flight may finish (two workers, and a few between count and signal)
    copied_after = vault_blobs(env) - stopped.vault_at_signal
    assert copied_after <= 40, f"{copied_after} of {queued} queued files copied after Ctrl-C"
    assert [d for d in big_tree.big if vault_has(env, d)] == []  # they come last
    assert leftover_temp_files(env) == []  # the copies not recorded were removed on the way out
    assert len(verify_json(env, ref)["chains"][0]["notes"]) == 1
    resume(env, ref, big_tree)
    check_complete(env, ref, [big_tree])


# --- 2. two adds into one case at once ----------------------------------------------------


def test_concurrent_adds_into_one_case_keep_numbers_and_chain_contiguous(
        env: Env, watcher: Watcher, two_trees: tuple[Tree, Tree], tmp_path: Path) -> None:
    env.new_case("GT-1")
    procs = [spawn(env, "add", "GT-1", str(t.root), "--json", log=tmp_path / f"add{n}.err")
             for n, t in enumerate(two_trees)]
    for n, proc in enumerate(procs):
        code = proc.wait(timeout=COMMAND_TIMEOUT)
        assert code == 0, (tmp_path / f"add{n}.err").read_text()[-3000:]
    entries = check_complete(env, "GT-1", list(two_trees))
    # the two intakes really ran at the same time: their batches alternate in the ledger
    order = [e["details"]["intake"] for e in entries if e["action"] == "evidence.add"]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= 2, "the two adds did not overlap; the test proved nothing"
    assert Counter(e["action"] for e in entries)["intake.complete"] == 2


# --- 3. adds alongside other commands, and into cases sharing content ----------------------


def test_adds_alongside_case_new_and_log(env: Env, watcher: Watcher,
                                          shared_trees: tuple[Tree, Tree],
                                          tmp_path: Path) -> None:
    env.new_case("GT-1")
    env.new_case("GT-2")
    adds = [spawn(env, "add", ref, str(t.root), "--json", log=tmp_path / f"{ref}.err")
            for ref, t in zip(("GT-1", "GT-2"), shared_trees, strict=True)]
    created: list[str] = []
    others = 0
    try:
        while any(p.poll() is None for p in adds) or others < 2:
            others += 1
            ref = f"NEW-{others}"
            ok(env, "case", "new", ref, "--title", f"Opened during the add {others}",
               "--country", "GT")
            created.append(ref)
            seen = [json.loads(line) for line in ok(env, "log", "GT-1", "--json").splitlines()]
            assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))
            if others % 2:
                ok(env, "case", "show", "GT-2", "--json")
            else:
                listed = json.loads(ok(env, "evidence", "GT-2", "--json"))
                assert sorted(i["no"] for i in listed) == list(range(1, len(listed) + 1))
    finally:
        for proc in adds:
            if proc.poll() is None:
                proc.wait(timeout=COMMAND_TIMEOUT)
    for ref, proc in zip(("GT-1", "GT-2"), adds, strict=True):
        assert proc.returncode == 0, (tmp_path / f"{ref}.err").read_text()[-3000:]
    for ref, tree in zip(("GT-1", "GT-2"), shared_trees, strict=True):
        entries = check_complete(env, ref, [tree])
        if ref == "GT-1":
            assert Counter(e["action"] for e in entries)["log.view"] == others
    cases = {c["ref"] for c in json.loads(ok(env, "case", "list", "--json"))}
    assert cases == {"GT-1", "GT-2", *created}
    # every case and the workspace chain, at once
    doc = verify_json(env)
    assert len(doc["chains"]) == len(cases) + 1


def test_first_commands_at_once_make_one_administrator(env: Env, tmp_path: Path) -> None:
    """A new workspace makes its first user the administrator: only one, even when several
    people run their first command at the same moment (migrations race too)."""
    users = [f"first.{n}" for n in range(3)]
    procs = [spawn(env, "init", user=u, log=tmp_path / f"{u}.err") for u in users]
    codes = [p.wait(timeout=COMMAND_TIMEOUT) for p in procs]
    assert sorted(codes) == [0, 3, 3], codes  # the others are told to ask the administrator
    admin = users[codes.index(0)]
    engine = create_engine(env.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, role FROM users")).all()
            boots = conn.execute(text("SELECT count(*) FROM ledger WHERE chain = 'system'"
                                      " AND action = 'user.bootstrap'")).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(admin, "admin")] and boots == 1
    code, out, err = sabueso(env, "verify", "--json", user=admin)
    assert code == 0, out + err


# --- 4. verify while an add commits ----------------------------------------------------------


def test_verify_sees_an_add_that_commits_mid_way_whole_or_not_at_all(env: Env,
                                                                    tmp_path: Path) -> None:
    """An add that commits between verify's read of the item rows and its read of the ledger
    must not show as ledger entries whose items are gone (PostgreSQL's READ COMMITTED takes a
    new snapshot per statement)."""
    from sabueso.custody.verify import verify
    from sabueso.ingest.intake import IntakeOptions, add_paths

    env.new_case("GT-1")
    first = tmp_path / "uno"
    first.mkdir()
    (first / "a.txt").write_text("primero\n")
    ok(env, "add", "GT-1", str(first))
    second = tmp_path / "dos"
    second.mkdir()
    for n in range(3):
        (second / f"b{n}.txt").write_text(f"segundo {n}\n")
    ws, other = env.workspace(), env.workspace()
    added = threading.Event()
    failures: list[BaseException] = []
    threads: list[threading.Thread] = []

    def add_now() -> None:
        try:
            add_paths(other, "GT-1", [second], IntakeOptions())
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            added.set()

    def after_items_read(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not threads and "FROM items LEFT OUTER JOIN items AS parent" in statement:
            threads.append(threading.Thread(target=add_now))
            threads[0].start()
            # PostgreSQL: the add commits now. SQLite: it waits for verify's transaction.
            added.wait(60 if env.backend == "postgresql" else 1)

    event.listen(ws.db.engine, "after_cursor_execute", after_items_read)
    try:
        (report,) = verify(ws, "GT-1")
    finally:
        event.remove(ws.db.engine, "after_cursor_execute", after_items_read)
        for thread in threads:
            thread.join(COMMAND_TIMEOUT)
    assert threads, "verify never read the item rows"
    assert failures == []
    if env.backend == "postgresql":
        assert added.is_set(), "the add did not commit while verify was reading"
    assert [f.kind for f in report.findings] == []
    assert report.items == 2  # the case as it was before the add: one folder, one file
    doc = verify_json(env, "GT-1")
    assert doc["chains"][0]["items"] == 2 + 4 and doc["chains"][0]["ok"] is True
