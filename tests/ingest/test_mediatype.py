"""Media type detection: the indexed signature lookup gives what puremagic itself gives.

``mediatype._SIGNATURES`` matches puremagic's own table by (offset, length) instead of
walking it; these tests hold it to ``puremagic.magic_string`` on every signature in the table,
on common evidence formats and on arbitrary bytes, so a puremagic upgrade that changes its
rules shows up here.
"""

from __future__ import annotations

import json
import random
import sqlite3
import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from puremagic import main as pm

from sabueso.ingest import mediatype
from sabueso.ingest.mediatype import _SIGNATURES, HEAD_SIZE, detect, puremagic_best

NAMES = ["", "sin_extension", "nota.txt", "datos.csv", "IMG_0001.JPG", "copia.tar.gz",
         "audio.mp3", "x.koz"]


def _rows() -> list[Any]:
    return [*pm.magic_header_array,
            *(r for rows in pm.multi_part_dict.values() for r in rows if r.offset >= 0)]


def _head_with(row: Any, n: int, rng: random.Random) -> bytes:
    match: bytes = row.byte_match
    offset: int = row.offset
    size = (offset + len(match), 600, HEAD_SIZE)[n % 3]
    size = max(size, offset + len(match))
    fill = (b"\x00" * size, b"a" * size, rng.randbytes(size))[n % 3]
    head = bytearray(fill)
    head[offset:offset + len(match)] = match
    return bytes(head)


def test_every_signature_in_puremagic_gives_the_same_best_match() -> None:
    rng = random.Random(2026)
    checked = 0
    for n, row in enumerate(_rows()):
        head = _head_with(row, n, rng)
        for name in ("z" + str(row.extension), NAMES[n % len(NAMES)]):
            assert _SIGNATURES.best(head, name) == puremagic_best(head, name), (row, name)
            checked += 1
    assert checked > 2000


def test_footer_signatures_give_the_same_best_match() -> None:
    for row in pm.magic_footer_array:
        for size in (600, HEAD_SIZE):
            head = bytearray(b"<svg>" + b" " * size)
            end = len(head) + row.offset + len(row.byte_match)
            head[row.offset:end if end else None] = row.byte_match
            for name in ("dibujo.svg", "x.txt", ""):
                assert _SIGNATURES.best(bytes(head), name) == puremagic_best(bytes(head), name)


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 52)) + chunk(b"IEND", b""))


def _zip(names: list[str]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(name, b"contenido")
    return buf.getvalue()


def _sqlite(tmp_path: Path) -> bytes:
    path = tmp_path / "msgstore.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)")
    return path.read_bytes()


COMMON = {
    "IMG_0001.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00H\x00H\x00\x00",
    "IMG_0002.JPG": b"\xff\xd8\xff\xe1\x10\x00Exif\x00\x00MM\x00*",
    "captura.png": _png(),
    "animacion.gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
    "acta.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
    "respaldo.zip": _zip(["a.txt"]),
    "informe.docx": _zip(["[Content_Types].xml", "word/document.xml"]),
    "tabla.xlsx": _zip(["[Content_Types].xml", "xl/workbook.xml"]),
    "VID_0001.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    "VID_0002.mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ",
    "nota_de_voz.m4a": b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom",
    "chat.txt": "[12/01/26 10:01] Juan: ¿ya depositaste?\n".encode(),
    "mensajes.json": json.dumps({"mensajes": [{"de": "Ana", "texto": "ya llegó"}]}).encode(),
    "lista.csv": b"ID3,nombre,telefono\n1,Juan,5555\n",
    "latin1.txt": "año,ciudad\nQuetzaltenango\n".encode("latin-1"),
    "pagina.html": b"<!DOCTYPE html><html><body>hola</body></html>",
    "binario.bin": bytes(range(256)),
    "sin_extension": b"solo texto plano\n",
}


@pytest.mark.parametrize("name", sorted(COMMON))
def test_common_evidence_formats_are_typed_as_before(name: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    head = COMMON[name]
    fast = detect(head, name)
    monkeypatch.setattr(mediatype._SIGNATURES, "best", puremagic_best)
    assert fast == detect(head, name)


def test_sqlite_database_is_typed_as_before(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    head = _sqlite(tmp_path)[:HEAD_SIZE]
    fast = [detect(head, n) for n in ("msgstore.db", "x.sqlite", "")]
    monkeypatch.setattr(mediatype._SIGNATURES, "best", puremagic_best)
    assert fast == [detect(head, n) for n in ("msgstore.db", "x.sqlite", "")]
    assert fast[0] == "application/x-sqlite3"


def test_the_usual_types() -> None:
    assert detect(COMMON["IMG_0001.jpg"], "IMG_0001.jpg") == "image/jpeg"
    assert detect(COMMON["captura.png"], "captura.png") == "image/png"
    assert detect(COMMON["acta.pdf"], "acta.pdf") == "application/pdf"
    assert detect(COMMON["respaldo.zip"], "respaldo.zip") == "application/zip"
    assert detect(COMMON["VID_0001.mp4"], "VID_0001.mp4") == "video/mp4"
    assert detect(COMMON["chat.txt"], "chat.txt") == "text/plain"
    assert detect(COMMON["mensajes.json"], "mensajes.json") == "application/json"
    assert detect(b"", "vacio.txt") == "application/x-empty"


@settings(max_examples=300, deadline=None)
@given(head=st.one_of(st.binary(min_size=1, max_size=700),
                      st.text(min_size=1, max_size=300).map(lambda s: s.encode("utf-8"))),
       name=st.sampled_from(NAMES))
def test_arbitrary_bytes_give_the_same_best_match(head: bytes, name: str) -> None:
    assert _SIGNATURES.best(head, name) == puremagic_best(head, name)
