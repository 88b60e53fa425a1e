"""Small DOCX, XLSX and PDF files written with the standard library, byte for byte the same on
every run (fixed ZIP timestamps, no creation dates): the demo case's office documents, and the
fixtures of the text-reader tests. Only what a reader needs is written; Word, Excel, LibreOffice
and PDF viewers open them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

__all__ = ["docx", "pdf", "xlsx"]

_STAMP = (2026, 11, 5, 9, 0, 0)
Cell = str | int | float | None


def _zip(parts: Sequence[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts:
            info = zipfile.ZipInfo(name, _STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return out.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str) -> str:
    pieces = text.split("\t")
    runs = '<w:tab/>'.join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in pieces)
    return f"<w:r>{runs}</w:r>"


def docx(blocks: Sequence[str | Sequence[Sequence[str]]], *,
         links: Sequence[tuple[str, str]] = (), header: str | None = None) -> bytes:
    """A Word document: each block a paragraph (a string) or a table (rows of cells);
    ``links`` are (text, URL) hyperlinks appended as a last paragraph."""
    body: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            body.append(f"<w:p>{_run(block)}</w:p>")
        else:
            rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p>{_run(c)}</w:p></w:tc>" for c in row)
                           + "</w:tr>" for row in block)
            body.append(f"<w:tbl>{rows}</w:tbl>")
    rels = []
    if links:
        anchors = []
        for n, (text, url) in enumerate(links, start=1):
            rels.append(f'<Relationship Id="rIdL{n}" Type="{_DOC_REL}/hyperlink" '
                        f'Target={quoteattr(url)} TargetMode="External"/>')
            anchors.append(f'<w:hyperlink r:id="rIdL{n}">{_run(text)}</w:hyperlink>')
        body.append("<w:p>" + "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>".join(anchors)
                    + "</w:p>")
    sect = ""
    overrides = ""
    if header is not None:
        rels.append(f'<Relationship Id="rIdH1" Type="{_DOC_REL}/header" Target="header1.xml"/>')
        sect = '<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/></w:sectPr>'
        overrides = ('<Override PartName="/word/header1.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>')
    document = (f'{_XML}<w:document xmlns:w="{_W_NS}" xmlns:r="{_DOC_REL}"><w:body>'
                + "".join(body) + sect + "</w:body></w:document>")
    parts = [
        ("[Content_Types].xml",
         f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
         f'officedocument.wordprocessingml.document.main+xml"/>{overrides}</Types>'),
        ("_rels/.rels",
         f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
         f'Type="{_DOC_REL}/officeDocument" Target="word/document.xml"/></Relationships>'),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels",
         f'{_XML}<Relationships xmlns="{_PKG_REL}">' + "".join(rels) + "</Relationships>"),
    ]
    if header is not None:
        parts.append(("word/header1.xml", f'{_XML}<w:hdr xmlns:w="{_W_NS}"><w:p>{_run(header)}'
                                          "</w:p></w:hdr>"))
    return _zip(parts)


def _col(n: int) -> str:
    name = ""
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def _cell(ref: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return (f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}'
            "</t></is></c>")


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[Cell]]]]) -> bytes:
    """An Excel workbook: (sheet name, rows) pairs; strings inline, numbers as numbers."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    book_sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                          for n, (name, _rows) in enumerate(sheets, start=1))
    book_rels = "".join(f'<Relationship Id="rId{n}" Type="{_DOC_REL}/worksheet" '
                        f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(sheets) + 1))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="'
                        'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                        'worksheet+xml"/>' for n in range(1, len(sheets) + 1))
    parts = [
        ("[Content_Types].xml",
         f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
         f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'),
        ("_rels/.rels",
         f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
         f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml",
         f'{_XML}<workbook xmlns="{main}" xmlns:r="{_DOC_REL}"><sheets>{book_sheets}</sheets>'
         "</workbook>"),
        ("xl/_rels/workbook.xml.rels",
         f'{_XML}<Relationships xmlns="{_PKG_REL}">{book_rels}</Relationships>'),
    ]
    for n, (_name, rows) in enumerate(sheets, start=1):
        xml_rows = "".join(
            f'<row r="{r}">' + "".join(_cell(f"{_col(c)}{r}", v)
                                       for c, v in enumerate(row, start=1)) + "</row>"
            for r, row in enumerate(rows, start=1) if any(v is not None for v in row))
        parts.append((f"xl/worksheets/sheet{n}.xml",
                      f'{_XML}<worksheet xmlns="{main}"><sheetData>{xml_rows}</sheetData>'
                      "</worksheet>"))
    return _zip(parts)


def _pdf_string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace")
    out = []
    for byte in raw:
        ch = chr(byte)
        if ch in "()\\":
            out.append("\\" + ch)
        elif 32 <= byte < 127:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with one page per list of lines, in Helvetica (Windows-1252 characters)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"]
        for line in lines:
            ops.append(f"{_pdf_string(line)} Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
                       + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()
