"""Readers of structured formats: HTML, PDF, DOCX, XLSX and e-mail (see ``text.py`` for the
registry and the locators each one gives). Nothing in a file is ever executed: no scripts, no
macros, no external entities, no network; damaged parts raise ``ReaderError`` naming the file.
"""

from __future__ import annotations

import codecs
import logging
import re
import warnings
from collections.abc import Iterator
from typing import IO, Any

from sabueso.ingest.textbase import ReaderError, TextRecord, corrupt, decode_bytes, read_capped

__all__ = ["html_text", "read_docx", "read_email", "read_html", "read_pdf", "read_xlsx"]

MiB = 1 << 20
MAX_DOCUMENT = 64 * MiB  # HTML pages, XML parts of DOCX: read whole, so bounded
MAX_EMAIL = 256 * MiB

# Third-party warnings about damaged files must not reach stderr on their own.
for _name in ("pypdf", "openpyxl"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


# --- HTML

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "title", "tr", "ul",
    "option"
})
_SKIP = frozenset({"script", "style", "template"})
_LINK_ATTRS = (("href", ("a", "area", "link", "base")),
               ("src", ("img", "iframe", "frame", "source", "video", "audio", "embed", "script",
                        "track", "input")),
               ("action", ("form",)), ("poster", ("video",)), ("data", ("object",)),
               ("cite", ("blockquote", "q")))
_META_KEYS = ("og:", "twitter:", "al:", "description", "author", "keywords")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_RUNS = re.compile(r"(?<=\S) {2,}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _html_decode(data: bytes) -> tuple[str, str]:
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = _META_CHARSET.search(data[:4096])
        if found:
            label = found.group(1).decode("ascii", "replace").lower()
            try:
                codec = codecs.lookup(label).name
            except LookupError:
                codec = ""
            if codec and codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii"):
                if codec in ("latin-1", "iso8859-1"):
                    codec = "cp1252"  # what browsers do (WHATWG encoding standard)
                return data.decode(codec, errors="replace"), codec
    return decode_bytes(data)


def html_text(data: bytes, name: str = "") -> tuple[str, list[str], str]:
    """(visible text, link targets, encoding) of an HTML document. Nothing is executed."""
    from lxml import etree, html

    text, encoding = _html_decode(data)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                             recover=True, encoding="utf-8")
    try:
        root = html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError:
        return "", [], encoding  # empty document
    except (etree.LxmlError, ValueError) as exc:
        raise corrupt(name, "HTML", exc) from exc
    out: list[str] = []
    links: list[str] = []
    seen: set[str] = set()
    pre = 0

    def add_link(value: str | None) -> None:
        value = (value or "").strip()
        if value and value not in seen and not value.lower().startswith(("javascript:", "data:")):
            seen.add(value)
            links.append(_SPACES.sub(" ", value))

    def add_text(value: str | None) -> None:
        if value:
            out.append(value if pre else _SPACES.sub(" ", value))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                add_text(el.tail)
                continue
            for attr, tags in _LINK_ATTRS:
                if tag in tags:
                    add_link(el.get(attr))
            if tag == "meta":
                key = (el.get("property") or el.get("name") or "").lower()
                if key.startswith(_META_KEYS):
                    add_link(el.get("content"))
                continue
            if tag in _BLOCK:
                out.append("\n")
            if tag == "pre":
                pre += 1
            if tag == "img" and el.get("alt"):
                add_text(" " + el.get("alt") + " ")
            add_text(el.text)
        else:
            if tag in _SKIP:
                continue
            if tag == "pre":
                pre -= 1
            if tag in _BLOCK:
                out.append("\n")
            elif tag in ("td", "th"):
                out.append("\t")
            add_text(el.tail)
    lines = (_RUNS.sub(" ", line).strip(" \t") for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line), links, encoding


def read_html(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    text, links, _encoding = html_text(read_capped(stream, MAX_DOCUMENT, name, "HTML"), name)
    if text:
        yield TextRecord("text", text)
    if links:
        yield TextRecord("links", "\n".join(links))


# --- PDF

def read_pdf(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise ReaderError("error.reader_encrypted", location=name, format="PDF") \
                    from exc
            if not opened:
                raise ReaderError("error.reader_encrypted", location=name, format="PDF")
        count = len(reader.pages)
    except ReaderError:
        raise
    except RecursionError as exc:
        raise corrupt(name, "PDF", exc) from exc
    except Exception as exc:  # a damaged file can fail anywhere inside the parser
        raise corrupt(name, "PDF", exc) from exc
    for number in range(1, count + 1):
        try:
            text = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:  # one damaged page does not hide the others
            yield TextRecord(f"p. {number}", "", note=f"{type(exc).__name__}: {exc}"[:300])
            continue
        yield TextRecord(f"p. {number}", text)


# --- OOXML (DOCX, XLSX) helpers

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _open_zip(stream: IO[bytes], name: str, what: str) -> Any:
    import zipfile

    head = stream.read(8)
    stream.seek(0)
    if head == _OLE:  # an encrypted OOXML file, or a legacy binary .doc/.xls
        raise ReaderError("error.reader_encrypted_or_legacy", location=name, format=what)
    try:
        return zipfile.ZipFile(stream)
    except Exception as exc:  # BadZipFile, but also NotImplementedError, struct errors...
        raise corrupt(name, what, exc) from exc


def _xml_part(zf: Any, part: str, name: str, what: str) -> Any:
    from lxml import etree

    info = zf.getinfo(part)
    if info.file_size > MAX_DOCUMENT:
        raise ReaderError("error.reader_too_large", location=name, format=what,
                          limit=f"{MAX_DOCUMENT >> 20} MiB")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        with zf.open(info) as fh:
            data = read_capped(fh, MAX_DOCUMENT, name, what)
        return etree.fromstring(data, parser=parser)
    except ReaderError:
        raise
    except Exception as exc:  # zlib, CRC, XML syntax errors
        raise corrupt(name, what, exc) from exc


# --- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"')
_DOCX_EXTRA = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


def _docx_text(root: Any, links: list[str]) -> str:
    from lxml import etree

    out: list[str] = []
    in_cell = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag.startswith(_W):
            continue
        local = tag[len(_W):]
        if event == "start":
            parent = el.getparent()
            in_run = parent is not None and parent.tag == _W + "r"
            if local == "t" and el.text:
                out.append(el.text)
            elif local in ("tab", "ptab") and in_run:
                out.append("\t")
            elif local in ("br", "cr") and in_run:
                out.append("\n")
            elif local == "noBreakHyphen":
                out.append("-")
            elif local == "instrText" and el.text:
                links.extend(_HYPERLINK_FIELD.findall(el.text))
            elif local == "tc":
                in_cell += 1
        elif local == "p":
            out.append(" " if in_cell else "\n")
        elif local == "tc":
            in_cell -= 1
            if out and out[-1] == " ":
                out[-1] = "\t"
            else:
                out.append("\t")
        elif local == "tr":
            out.append("\n")
    lines = (line.strip(" \t") for line in "".join(out).split("\n"))
    return "\n".join(lines).strip("\n")


def read_docx(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    with _open_zip(stream, name, "DOCX") as zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise ReaderError("error.reader_corrupt", location=name, format="DOCX",
                              reason="word/document.xml missing")
        parts = ["word/document.xml", *sorted(n for n in names if _DOCX_EXTRA.fullmatch(n))]
        links: list[str] = []
        for part in parts:
            text = _docx_text(_xml_part(zf, part, name, "DOCX"), links)
            if text:
                yield TextRecord(part[5:-4], text)
        for rels in sorted(n for n in names if n.startswith("word/_rels/")
                           and n.endswith(".rels")):
            root = _xml_part(zf, rels, name, "DOCX")
            for rel in root.iter(_REL_NS + "Relationship"):
                if rel.get("TargetMode") == "External" and rel.get("Target"):
                    links.append(rel.get("Target"))
    unique = list(dict.fromkeys(link.strip() for link in links if link.strip()))
    if unique:
        yield TextRecord("links", "\n".join(unique))


# --- XLSX

def _cell_text(value: Any) -> str:
    from datetime import date, datetime, time, timedelta

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def read_xlsx(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    zf = _open_zip(stream, name, "XLSX")  # refuses encrypted and legacy files clearly
    zf.close()
    stream.seek(0)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # damaged parts fail in many ways inside openpyxl
        raise corrupt(name, "XLSX", exc) from exc
    try:
        for sheet in book.worksheets:
            try:
                rows = sheet.iter_rows(values_only=True)
                number = (sheet.min_row or 1) - 1
                for row in rows:
                    number += 1
                    cells = [_cell_text(v) for v in row]
                    while cells and not cells[-1]:
                        cells.pop()
                    line = "\t".join(c.replace("\t", " ") for c in cells)
                    if line.strip():
                        yield TextRecord(f"{sheet.title}!R{number}", line)
            except ReaderError:
                raise
            except Exception as exc:
                raise corrupt(name, "XLSX", exc) from exc
    finally:
        book.close()


# --- e-mail

_EMAIL_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Return-Path", "Subject",
                  "Date", "Received", "X-Originating-IP", "X-Sender-IP")


def _header_values(msg: Any, header: str) -> list[str]:
    try:
        return [str(v) for v in (msg.get_all(header) or [])]
    except Exception:  # a malformed header: keep its raw text
        raw = getattr(msg, "_headers", [])
        return [str(v) for k, v in raw if str(k).lower() == header.lower()]


def _part_bytes_text(part: Any) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass
    return decode_bytes(payload)[0]


def read_email(stream: IO[bytes], name: str) -> Iterator[TextRecord]:
    from email import policy
    from email.parser import BytesParser

    data = read_capped(stream, MAX_EMAIL, name, "e-mail")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:
        raise corrupt(name, "e-mail", exc) from exc
    lines = [f"{h}: {_SPACES.sub(' ', v).strip()}" for h in _EMAIL_HEADERS
             for v in _header_values(msg, h)]
    if lines:
        yield TextRecord("headers", "\n".join(lines))
    for number, part in enumerate(msg.walk(), start=1):
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_content_disposition() == "attachment" or ctype not in ("text/plain",
                                                                            "text/html"):
            continue
        try:
            if ctype == "text/html":
                payload = part.get_payload(decode=True)
                text, links, _enc = html_text(payload if isinstance(payload, bytes) else b"",
                                              name)
                if text:
                    yield TextRecord(f"part {number}", text)
                if links:
                    yield TextRecord(f"part {number} links", "\n".join(links))
            else:
                text = _part_bytes_text(part)
                if text:
                    yield TextRecord(f"part {number}", text)
        except ReaderError:
            raise
        except Exception as exc:
            yield TextRecord(f"part {number}", "", note=f"{type(exc).__name__}: {exc}"[:300])
