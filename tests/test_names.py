"""File names from seized media: not UTF-8, with invisible or right-to-left marks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import Env


@pytest.mark.skipif(os.name != "posix", reason="POSIX byte file names")
def test_non_utf8_and_bidi_names_are_kept_and_shown_safely(env: Env, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder))) / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"latin-1")
    (folder / "factura\u202etxt.exe").write_bytes(b"spoof")
    env.new_case()
    env.ok("add", "GT-1", str(folder))
    names = {i["name"] for i in env.ok("evidence", "GT-1", "--json").json()}
    assert {"caf\\xe9.txt", "factura\u202etxt.exe"} <= names
    screen = env.ok("evidence", "GT-1").out
    assert "\u202e" not in screen and "factura\\u202etxt.exe" in screen
    assert env.run("verify", "GT-1").code == 0
    out = tmp_path / "p.zip"
    env.ok("export", "GT-1", "--out", str(out))
    assert env.ok("verify-package", str(out), "--json").json()["ok"]
