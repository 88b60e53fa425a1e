"""A `sabueso add` killed mid-way leaves a consistent case that the same command completes;
two concurrent adds into one case keep the chain valid (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from conftest import Env

pytestmark = pytest.mark.slow


def make_tree(root: Path, files: int, seed: int) -> dict[str, str]:
    """Many small files in sub-folders; returns sha256 -> relative path."""
    digests = {}
    for n in range(files):
        path = root / f"d{n % 17:02d}" / f"f{n:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = f"seed {seed} file {n} ".encode() * (1 + n % 7)
        path.write_bytes(data)
        digests[hashlib.sha256(data).hexdigest()] = str(path)
    return digests


def spawn(env: Env, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sabueso", *args],
                            env={**os.environ, **env.environ()},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def count_items(env: Env) -> int:
    engine = create_engine(env.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM items")).scalar_one())
    except Exception:  # the schema may not exist yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("kill_after", [1, 1500])
def test_killed_add_is_consistent_and_resumes(env: Env, tmp_path: Path,
                                              kill_after: int) -> None:
    env.new_case()
    src = tmp_path / "src"
    digests = make_tree(src, 3000, seed=kill_after)
    expected = len(digests) + 1 + 17  # files, the top folder, 17 sub-folders
    killed_mid_way = False
    for _attempt in range(3):
        proc = spawn(env, "add", "GT-1", str(src))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if count_items(env) >= kill_after:
                break
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            done = count_items(env)
            if done < expected:
                killed_mid_way = True
                break
        proc.wait()
    assert killed_mid_way, "the add finished before it could be killed"
    # consistent after the kill
    res = env.run("verify", "GT-1", "--json")
    assert res.code == 0, res.out
    notes = res.json()["chains"][0]["notes"]
    assert notes and "interrupted" in notes[0]
    # the same command completes it
    again = env.run("add", "GT-1", str(src), "--json")
    assert again.code == 0, again.err
    assert again.json()["resumed"] is True
    listed = env.ok("evidence", "GT-1", "--json").json()
    assert len(listed) == expected
    files = [i for i in listed if i["kind"] == "file"]
    assert sorted(i["sha256"] for i in files) == sorted(digests)
    assert len({i["original_path"] for i in files}) == len(files)
    assert sorted(i["no"] for i in listed) == list(range(1, expected + 1))
    res = env.run("verify", "GT-1", "--json")
    assert res.code == 0 and res.json()["chains"][0]["notes"] == []
    actions = [e["action"] for e in env.ok("log", "GT-1", "--json").jsonl()]
    assert "intake.resume" in actions and actions.count("intake.complete") == 1


def test_concurrent_adds_keep_the_chain_valid(env: Env, tmp_path: Path) -> None:
    env.new_case()
    one, two = tmp_path / "uno", tmp_path / "dos"
    first = make_tree(one, 700, seed=1)
    second = make_tree(two, 700, seed=2)
    procs = [spawn(env, "add", "GT-1", str(one)), spawn(env, "add", "GT-1", str(two))]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    listed = env.ok("evidence", "GT-1", "--json").json()
    assert len(listed) == len(first) + len(second) + 2 * 18
    assert sorted(i["no"] for i in listed) == list(range(1, len(listed) + 1))
    assert {i["sha256"] for i in listed if i["sha256"]} == set(first) | set(second)
    assert env.run("verify", "GT-1").code == 0
    seqs = [e["seq"] for e in env.ok("log", "GT-1", "--json").jsonl()]
    assert seqs == list(range(1, len(seqs) + 1))
