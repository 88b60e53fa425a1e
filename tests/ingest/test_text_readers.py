"""Text readers: plain text (encodings, streaming), HTML, PDF, DOCX, XLSX and e-mail; damaged
and hostile files raise ``ReaderError`` naming the file; arbitrary bytes never crash a reader."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabueso.core.errors import InputError, SabuesoError
from sabueso.demo.documents import docx, pdf, xlsx
from sabueso.ingest import textbase
from sabueso.ingest.text import (
    READER_VERSIONS,
    ReaderError,
    TextRecord,
    best_reader,
    decode_bytes,
    read_records,
    reader_versions,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def records(data: bytes, name: str, media_type: str | None = None) -> list[tuple[str | None,
                                                                                  str]]:
    out = []
    for record in read_records(io.BytesIO(data), name, media_type):
        out.append((record.locator, record.open().read()))
    return out


# --------------------------------------------------------------------------- plain text

@pytest.mark.parametrize(("data", "text", "encoding"), [
    ("Llamá al 5512-3456".encode(), "Llamá al 5512-3456", "utf-8"),
    ("\ufeffhola".encode(), "hola", "utf-8-sig"),
    ("niño".encode("cp1252"), "niño", "utf-8+cp1252"),
    ("café ".encode() + "niño".encode("cp1252"), "café niño", "utf-8+cp1252"),
    ("hola ñ".encode("utf-16"), "hola ñ", "utf-16-le (BOM)"),
    (b"\xfe\xff" + "hola ñ".encode("utf-16-be"), "hola ñ", "utf-16-be (BOM)"),
    ("mensaje de texto".encode("utf-16-le"), "mensaje de texto", "utf-16-le"),
    ("mensaje de texto".encode("utf-16-be"), "mensaje de texto", "utf-16-be"),
    (b"a\r\nb\rc\n", "a\r\nb\rc\n", "utf-8"),
    (b"", "", "utf-8"),
    (b"\x80\x9d\x81", "€\x9d\x81", "utf-8+cp1252"),
])
def test_plain_text_decoding_rule(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)
    [record] = read_records(io.BytesIO(data), "a.txt", "text/plain")
    assert record.streamed and record.locator is None and record.text is None
    assert record.open().read() == text
    assert record.encoding == encoding and record.chars == len(text)


def test_plain_text_streams_in_chunks_with_the_same_result(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    body = ("ñandú 5512-3456 ".encode() + "é".encode("cp1252") + b"\r\n") * 5000
    whole, encoding = decode_bytes(body)
    monkeypatch.setattr(textbase, "CHUNK", 7)  # every multi-byte character cut somewhere
    [record] = read_records(io.BytesIO(body), "chat.txt", "text/plain")
    stream = record.open()
    parts = []
    while chunk := stream.read(1000):
        parts.append(chunk)
    assert "".join(parts) == whole and record.encoding == encoding == "utf-8+cp1252"


def test_plain_reader_takes_csv_json_and_other_text_types() -> None:
    for media_type, name in (("text/csv", "a.csv"), ("application/json", "a.json"),
                             ("application/x-ndjson", "a.jsonl"), ("text/markdown", "a.md"),
                             ("text/x-whatever", "a.foo"), ("application/x-empty", "a.txt")):
        reader = best_reader(media_type, name)
        assert reader is not None and reader.name == "text", media_type


def test_registry_scores_media_type_over_extension() -> None:
    def pick(media_type: str | None, name: str) -> str | None:
        found = best_reader(media_type, name)
        return found.name if found else None

    assert pick("text/html", "a.html") == "html"
    assert pick("text/plain", "page.html") == "html"  # sniffed generic, named as HTML
    assert pick("application/zip", "libro.xlsm") == "xlsx"
    assert pick("application/zip", "carta.docx") == "docx"
    assert pick(DOCX_TYPE, "sin_extension") == "docx"
    assert pick("message/rfc822", "x") == "email"
    assert pick("application/pdf", "x.bin") == "pdf"
    assert pick("image/png", "foto.pdf") is None  # the content decides, not the name
    assert pick("application/zip", "fotos.zip") is None
    assert pick(None, "notas.txt") == "text"
    assert set(READER_VERSIONS) == set(reader_versions())
    assert reader_versions()["pdf"].startswith(READER_VERSIONS["pdf"] + "+pypdf ")


def test_unknown_type_and_missing_file_are_errors_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ReaderError) as err:
        list(read_records(io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(100)), "foto.png"))
    assert err.value.key == "error.reader_none" and "foto.png" in err.value.message()
    with pytest.raises(InputError) as err2:
        list(read_records(tmp_path / "nope.txt"))
    assert "nope.txt" in err2.value.message()


def test_records_never_hold_nul_characters() -> None:
    record = TextRecord("x", "a\x00b")
    assert record.text == "a\ufffdb" and record.chars == 3


# --------------------------------------------------------------------------- HTML

PAGE = """<!doctype html><html><head><title>Perfil de colibri</title>
<meta property="og:url" content="https://www.instagram.com/colibri_express_gt/">
<meta charset="utf-8"><style>body { color: red }</style>
<script>var tel = "5599-0000"; document.write("oculto@x.com")</script></head>
<body><h1>@colibri_express_gt</h1><p>Pedidos al <b>5512-3456</b><br>zona 18</p>
<!-- comentario 5588-0000 -->
<table><tr><td>onza</td><td>Q350</td></tr></table>
<a href="https://wa.me/50255123456">WhatsApp</a> <img src="/f.png" alt="foto de perfil">
<noscript>active JavaScript</noscript><a href="javascript:alert(1)">x</a>
<pre>  a   b</pre></body></html>"""


def test_html_visible_text_and_links() -> None:
    found = dict(records(PAGE.encode(), "perfil.html", "text/html"))
    text = found["text"]
    assert text.splitlines()[:4] == ["Perfil de colibri", "@colibri_express_gt",
                                     "Pedidos al 5512-3456", "zona 18"]
    assert "onza\tQ350" in text and "foto de perfil" in text and "active JavaScript" in text
    for hidden in ("5599-0000", "oculto@x.com", "color: red", "5588-0000", "alert"):
        assert hidden not in text
    assert found["links"].splitlines() == ["https://www.instagram.com/colibri_express_gt/",
                                           "https://wa.me/50255123456", "/f.png"]


def test_html_encodings_and_empty_pages() -> None:
    legacy = "<meta charset='windows-1252'><p>Niño 5512-3456</p>".encode("cp1252")
    assert dict(records(legacy, "a.htm", "text/html"))["text"] == "Niño 5512-3456"
    latin = ("<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
             "<p>\x93ñ\x94")
    assert dict(records(latin.encode("latin-1"), "a.htm", "text/html"))["text"] == "“ñ”"
    undeclared = "<p>café</p>".encode("cp1252")
    assert dict(records(undeclared, "a.htm", "text/html"))["text"] == "café"
    assert records(b"", "vacia.html", "text/html") == []
    assert records(b"   \n ", "vacia.html", "text/html") == []


# --------------------------------------------------------------------------- PDF

def test_pdf_one_record_per_page() -> None:
    data = pdf([["Teléfono 5512-3456", "correo (juan@mail.com)"], [], ["pagina 3"]])
    found = records(data, "doc.pdf", "application/pdf")
    assert [loc for loc, _t in found] == ["p. 1", "p. 2", "p. 3"]
    assert "Teléfono 5512-3456" in found[0][1] and "correo (juan@mail.com)" in found[0][1]
    assert found[1][1].strip() == "" and "pagina 3" in found[2][1]


@pytest.mark.parametrize("data", [
    b"%PDF-1.4 not really",
    b"",
    b"hola, esto no es un PDF",
    pdf([["bien"]])[:200],
])
def test_damaged_pdf_is_a_reader_error(data: bytes) -> None:
    with pytest.raises(ReaderError) as err:
        records(data, "roto.pdf", "application/pdf")
    assert err.value.key == "error.reader_corrupt"
    assert "roto.pdf" in err.value.message() and "PDF" in err.value.message()


def test_encrypted_pdf_is_reported_as_encrypted() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf([["secreto 5512-3456"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="clave", owner_password="dueño", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ReaderError) as err:
        records(out.getvalue(), "cifrado.pdf", "application/pdf")
    assert err.value.key == "error.reader_encrypted" and "cifrado.pdf" in err.value.message()
    # only an owner password (no password to open): the text is read
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf([["abierto 5512-3456"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="dueño", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "abierto 5512-3456" in records(out.getvalue(), "permisos.pdf")[0][1]


# --------------------------------------------------------------------------- DOCX

def test_docx_paragraphs_tables_header_and_links() -> None:
    data = docx(["Informe policial", "Tel\t5512-3456",
                 [["Alias", "Teléfono"], ["Colibrí", "+502 5555 0147"]], "Fin"],
                links=[("perfil", "https://instagram.com/colibri_express_gt")],
                header="CONFIDENCIAL")
    found = records(data, "informe.docx", DOCX_TYPE)
    assert found[0] == ("document", "Informe policial\nTel\t5512-3456\nAlias\tTeléfono\n"
                                    "Colibrí\t+502 5555 0147\nFin\nperfil")
    assert ("header1", "CONFIDENCIAL") in found
    assert found[-1] == ("links", "https://instagram.com/colibri_express_gt")
    assert records(data, "informe.docx", "application/zip") == found  # by extension


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_docx_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secreto.txt"
    secret.write_text("CONTRASEÑA-DEL-SERVIDOR")
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>hola &x; fin</w:t></w:r></w:p></w:body></w:document>")
    try:
        found = records(_zip({"word/document.xml": xml.encode()}), "x.docx", DOCX_TYPE)
    except ReaderError:
        return  # refusing the file is fine too
    assert all("CONTRASEÑA" not in text for _loc, text in found)


@pytest.mark.parametrize(("data", "key"), [
    (b"PK\x03\x04 truncated zip", "error.reader_corrupt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "error.reader_encrypted_or_legacy"),
    (_zip({"otra/cosa.xml": b"<a/>"}), "error.reader_corrupt"),
    (_zip({"word/document.xml": b"<w:document><unclosed"}), "error.reader_corrupt"),
])
def test_damaged_docx(data: bytes, key: str) -> None:
    with pytest.raises(ReaderError) as err:
        records(data, "malo.docx", DOCX_TYPE)
    assert err.value.key == key and "malo.docx" in err.value.message()


# --------------------------------------------------------------------------- XLSX

def test_xlsx_one_record_per_row() -> None:
    data = xlsx([("Precios", [["Producto", "Precio"], ["onza", 350], [None, None],
                              ["paquete", 1500.0, None, "nota"]]),
                 ("Contactos", [["Colibrí", 50255550183, 3.5, "5512-3456"]])])
    assert records(data, "precios.xlsx", XLSX_TYPE) == [
        ("Precios!R1", "Producto\tPrecio"), ("Precios!R2", "onza\t350"),
        ("Precios!R4", "paquete\t1500\t\tnota"),
        ("Contactos!R1", "Colibrí\t50255550183\t3.5\t5512-3456")]
    assert records(data, "precios.xlsm", "application/zip") == records(data, "p.xlsx",
                                                                       XLSX_TYPE)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04 nope",
    _zip({"xl/workbook.xml": b"<workbook><broken"}),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
])
def test_damaged_xlsx(data: bytes) -> None:
    with pytest.raises(ReaderError) as err:
        records(data, "malo.xlsx", XLSX_TYPE)
    assert "malo.xlsx" in err.value.message()


# --------------------------------------------------------------------------- e-mail

MAIL = b"""From: =?utf-8?q?Juan_P=C3=A9rez?= <Juan@Mail.com>
To: ventas@colibri.example
Subject: =?utf-8?q?pedido_urgente?=
Received: from [203.0.113.45] by mx.example
Message-ID: <abc123@mx.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=XX

--XX
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Llamame al 5512-3456, ni=C3=B1o
--XX
Content-Type: text/html; charset=utf-8

<p>Hola <a href="https://t.me/colibri_gt">Telegram</a></p><script>x()</script>
--XX
Content-Type: text/plain
Content-Disposition: attachment; filename=adjunto.txt

no se lee 5599-0000
--XX--
"""


def test_email_headers_and_text_parts() -> None:
    found = records(MAIL, "correo.eml", "message/rfc822")
    assert found[0] == ("headers", "From: Juan Pérez <Juan@Mail.com>\n"
                                   "To: ventas@colibri.example\nSubject: pedido urgente\n"
                                   "Received: from [203.0.113.45] by mx.example")
    assert ("part 2", "Llamame al 5512-3456, niño") in found
    assert ("part 3", "Hola Telegram") in found and ("part 3 links", "https://t.me/colibri_gt") \
        in found
    assert all("5599-0000" not in text for _loc, text in found)


# --------------------------------------------------------------------------- properties

FORMATS = [("text/plain", "a.txt"), ("text/html", "a.html"), ("application/pdf", "a.pdf"),
           (DOCX_TYPE, "a.docx"), (XLSX_TYPE, "a.xlsx"), ("message/rfc822", "a.eml")]


def _read_all(data: bytes, media_type: str, name: str) -> None:
    started = time.monotonic()
    try:
        for record in read_records(io.BytesIO(data), name, media_type):
            assert isinstance(record.open().read(), str)
    except SabuesoError:
        pass
    assert time.monotonic() - started < 5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), fmt=st.sampled_from(FORMATS))
def test_arbitrary_bytes_never_crash_a_reader(data: bytes, fmt: tuple[str, str]) -> None:
    _read_all(data, *fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=st.binary(max_size=2048), cut=st.integers(min_value=0, max_value=4000))
def test_damaged_real_documents_never_crash_a_reader(junk: bytes, cut: int) -> None:
    for data, media_type, name in (
            (pdf([["hola 5512-3456"], ["dos"]]), "application/pdf", "a.pdf"),
            (docx(["hola", [["a", "b"]]]), DOCX_TYPE, "a.docx"),
            (xlsx([("S", [["a", 1]])]), XLSX_TYPE, "a.xlsx")):
        at = cut % (len(data) + 1)
        _read_all(data[:at] + junk + data[at + len(junk):], media_type, name)


@settings(max_examples=40, deadline=None)
@given(member=st.binary(max_size=2048))
def test_ooxml_parts_with_junk_never_crash(member: bytes) -> None:
    _read_all(_zip({"word/document.xml": member}), DOCX_TYPE, "a.docx")
    _read_all(_zip({"[Content_Types].xml": member, "xl/workbook.xml": member}), XLSX_TYPE,
              "a.xlsx")


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=2000))
def test_any_unicode_text_round_trips_through_the_plain_reader(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return  # lone surrogates are not text a file can hold
    decoded, encoding = decode_bytes(data)
    if text.startswith("\ufeff"):
        assert decoded == text[1:]
    elif encoding == "utf-8":
        assert decoded == text
