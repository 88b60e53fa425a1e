"""The chat-parser benchmark still runs (tiny sizes, Sabueso only), prints its tables and
rewrites only its own block of a Markdown file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_chats.py"


def test_bench_chats_runs(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--messages", "3000", "--small", "1000", "--styles",
         "es12", "ios-es", "--peers", "--workdir", str(tmp_path), "--out",
         str(tmp_path / "bench.md")],
        capture_output=True, text=True, timeout=300, check=True).stdout
    assert "### WhatsApp .txt - Android, Spanish" in out
    assert "### WhatsApp .txt - iOS, Spanish" in out
    assert "### Telegram Desktop result.json" in out
    rows = [ln for ln in out.splitlines() if ln.startswith("| 3,000 |")]
    assert len(rows) == 3 and all("| sabueso | 3,000 |" in r for r in rows)
    doc = (tmp_path / "bench.md").read_text()
    assert doc.count("<!-- bench_chats:begin") == 1 and doc.count("<!-- bench_chats:end") == 1
    assert "| 3,000 | 1 | sabueso | 3,000 |" in doc  # the Telegram row, about 1 MB


def test_chat_dump_writes_every_event_and_errors(tmp_path: Path) -> None:
    dump = BENCH.parent / "chat_dump.py"
    export = tmp_path / "chat.txt"
    export.write_text("12/3/24, 9:41 p. m. - Ana: hola\n13/3/24, 9:42 p. m. - Beto: ok\nmás\n",
                      encoding="utf-8")
    out = tmp_path / "chat.jsonl"
    n = subprocess.run([sys.executable, str(dump), "whatsapp", str(export), str(out)],
                       capture_output=True, text=True, timeout=120, check=True).stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n.strip() == "5" and len(lines) == 5  # chat, two accounts, two messages
    assert '"locator": "lines 2-3"' in lines[-1] and '"text": "ok\\nmás"' in lines[-1]
    broken = tmp_path / "result.json"
    broken.write_bytes(b'{"name": "x", "messages": [{"id": 1, "text": "a"},, ]}')
    subprocess.run([sys.executable, str(dump), "telegram", str(broken), str(out)],
                   capture_output=True, text=True, timeout=120, check=True)
    assert out.read_text(encoding="utf-8").splitlines()[-1].startswith(
        "ERROR error.chat_json_invalid")
