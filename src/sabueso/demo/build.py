"""The bundled demo case: an invented drug-sales-online investigation in Guatemala.

``sabueso demo`` builds it in the current workspace from synthetic files shipped in
``sabueso/demo/data`` plus a few generated ones (PNG images drawn here, a seized-phone ZIP
assembled here with fixed timestamps, DOCX, XLSX and PDF documents written by ``documents.py``,
so every build yields the same hashes). The case's entity index is derived at the end. Each
capability of Sabueso adds its part here so that ``make run`` shows the whole product.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import tempfile
import zipfile
import zlib
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sabueso.cases import cases as cases_svc
from sabueso.cases import users as users_svc
from sabueso.cases.access import find_case, load_actor
from sabueso.core.timeutil import iso_utc
from sabueso.custody.package import export_case
from sabueso.demo import capture, documents, requests, telephony
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.workspace import Workspace

CASE_REF = "DEMO-COLIBRI"
TZ = "America/Guatemala"
# Each capability's part of the demo (``add_to_demo`` while building, ``show`` for --show).
CAPABILITY_PARTS = (telephony, requests, capture)
DEMO_USERS = (
    ("ana.morales", "investigator", "investigator"),
    ("jorge.pineda", "analyst", "analyst"),
    ("luis.reyes", "prosecutor", "prosecutor"),
    ("carmen.diaz", "auditor", "auditor"),
)


def png(width: int, height: int, seed: int) -> bytes:
    """A small deterministic RGB PNG (a coloured gradient), built with the standard library."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(((x * 7 + seed * 40) % 256, (y * 5 + seed * 90) % 256,
                           ((x + y) * 3 + seed * 20) % 256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def _phone_zip(data: Path) -> bytes:
    """A 'seized phone extraction' ZIP with a nested ZIP of photos, fixed timestamps."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(1, 3):
            info = zipfile.ZipInfo(f"DCIM/Camera/IMG_2026110{n}_1830.png", (2026, 11, n, 18, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, png(64, 48, n + 3))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        entries = [
            ("WhatsApp/Chat de WhatsApp con Colibri Express.txt",
             (data / "chat_whatsapp_pedidos.txt").read_bytes()),
            ("Galeria/fotos_camara.zip", inner.getvalue()),
            ("Contactos/contactos.vcf",
             b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Colibri Express (ficticio)\r\n"
             b"TEL;TYPE=CELL:+50255550183\r\nEND:VCARD\r\n"),
        ]
        for name, content in entries:
            info = zipfile.ZipInfo(name, (2026, 11, 4, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return outer.getvalue()


def _meta_mojibake(text: str) -> str:
    """A JSON text as Meta's "Download your information" writes it: every string's UTF-8
    bytes escaped one by one as ``\\u00XX``."""
    import json

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return value.encode("utf-8").decode("latin-1")
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return json.dumps(walk(json.loads(text)), indent=2)


def _digest(label: str) -> bytes:
    return hashlib.sha256(f"sabueso-demo-{label}".encode()).digest()


def _luhn(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def _received(ws: Workspace, path: Path, source: str, acquired: str,
              note: str | None = None) -> None:
    """``path`` into the demo case as evidence received from ``source`` at ``acquired``."""
    add_paths(ws, CASE_REF, [path], IntakeOptions(
        source=source, acquired_at=datetime.fromisoformat(acquired), note=note))


def demo_identifiers() -> dict[str, str]:
    """Invented identifiers whose checksums hold (wallets, IMEI), derived from fixed labels."""
    from sabueso.extract.crypto import base58check_encode, eip55_checksum, segwit_encode

    imei = "35693807123456"
    return {
        "trx": base58check_encode(b"\x41" + _digest("tron")[:20]),
        "btc": segwit_encode("bc", 0, _digest("btc")[:20]),
        "eth": eip55_checksum(_digest("eth").hex()[:40]),
        "imei": imei + _luhn(imei),
        "imsi": "704011234567890",
    }


def office_documents() -> dict[str, bytes]:
    """The case's invented office documents: a police report (DOCX), the seller's price and
    contact sheet (XLSX) and a payment receipt (PDF)."""
    ids = demo_identifiers()
    report = documents.docx([
        "INFORME POLICIAL No. PNC-DIC-1104-2026 (DOCUMENTO FICTICIO PARA DEMOSTRACIÓN)",
        "Asunto: venta de droga por redes sociales, cuenta @colibri_express_gt, zona 18.",
        "1. El 4 de noviembre de 2026 se incautó un teléfono con IMEI "
        f"{ids['imei']} y tarjeta SIM con IMSI {ids['imsi']}.",
        "2. En el chat del teléfono el vendedor ofrece mota, cristal y perico, y pide pagos en "
        f"USDT (TRC20) a la billetera {ids['trx']}.",
        "3. La cuenta de Telegram t.me/colibri_gt_pedidos anuncia los mismos paquetes; los "
        "pedidos se confirman por WhatsApp al 5555-0183 y al +502 4123 9876.",
        "4. El proveedor de correo informó que ventas.colibri@example.com se conectó desde la IP "
        "203.0.113.45.",
        "Personas y números de interés (todos inventados):",
        [["Alias", "Teléfono", "Cuenta"],
         ["Colibrí", "5555 0183", "instagram.com/colibri_express_gt"],
         ["El Flaco", "3012-4455", "tiktok.com/@colibri.express"],
         ["Repartidor", "+502 5555 0147", "—"]],
        "Agente a cargo: agente ficticio 0000. Sin valor legal.",
    ], links=[("Perfil capturado", "https://www.instagram.com/colibri_express_gt/")],
        header="PNC — DOCUMENTO FICTICIO")
    sheet = documents.xlsx([
        ("Precios", [["Producto", "Unidad", "Precio (Q)", "Nota"],
                     ["mota", "onza", 350, "🍃 la de siempre"],
                     ["cristal", "gramo", 150, None],
                     ["perico", "gramo", 200, "❄️ pregunte por paquete de 5"],
                     ["piedra", "unidad", 75, None]]),
        ("Contactos", [["Nombre", "Teléfono", "Correo", "Billetera"],
                       ["Colibrí", 50255550183, "ventas.colibri@example.com", ids["trx"]],
                       ["Proveedor", "4123-9876", "jefe.colibri@example.net", ids["btc"]],
                       ["Cambista", "+502 3012 4455", None, ids["eth"]]]),
    ])
    receipt = documents.pdf([
        ["CONSTANCIA DE TRANSFERENCIA (DOCUMENTO FICTICIO PARA DEMOSTRACIÓN)",
         "Fecha: 05/11/2026 19:42",
         "Monto: 1,500.00 USDT (red TRON, TRC20)",
         f"Billetera de origen: {ids['eth']}",
         f"Billetera de destino: {ids['trx']}",
         "Referencia del cliente: pedido de 5 paquetes, entrega zona 18"],
        ["Datos de contacto del beneficiario",
         "Teléfono: 5555-0183  Correo: ventas.colibri@example.com",
         f"Respaldo en bitcoin: {ids['btc']}",
         "Este documento es inventado y no tiene ningún valor."],
    ])
    return {"informe_policial_PNC-1104.docx": report,
            "lista_precios_y_contactos.xlsx": sheet,
            "constancia_transferencia.pdf": receipt}


def _ensure_users(ws: Workspace) -> None:
    existing = {u.name for u in users_svc.list_users(ws.db, ws.actor)}
    for name, role, _case_role in DEMO_USERS:
        if name not in existing:
            users_svc.add_user(ws.db, ws.actor, name, role)


def build_demo(ws: Workspace) -> dict[str, Any]:
    """Build the demo case (once per workspace) and return a summary."""
    with ws.db.begin() as conn:
        exists = find_case(conn, CASE_REF) is not None
        actor = load_actor(conn, ws.actor)
    if exists:
        from sabueso.cases.evidence import list_items

        _case, found = list_items(ws.db, ws.actor, CASE_REF)
        return {"case": CASE_REF, "items": len(found), "built": False, "package": None}
    if actor.role == "admin":
        _ensure_users(ws)
    cases_svc.create_case(
        ws.db, ws.actor, CASE_REF,
        title="Operación Colibrí: venta de drogas por redes sociales (caso ficticio)",
        country="GT", tz=TZ, prosecutor="Fiscalía contra Delitos Informáticos (ficticia)",
        legal_basis="Orden de juez de turno 0000-2026 (ficticia)")
    if actor.role == "admin":
        for name, _role, case_role in DEMO_USERS:
            cases_svc.grant(ws.db, ws.actor, CASE_REF, name, case_role)
    data = Path(str(resources.files("sabueso.demo").joinpath("data")))
    with tempfile.TemporaryDirectory(prefix="sabueso-demo-") as tmp:
        work = Path(tmp)
        complaint = work / "denuncia"
        complaint.mkdir()
        shutil.copy(data / "denuncia_ciudadana.txt", complaint)
        shutil.copy(data / "perfil_instagram_captura.html", complaint)
        photos = complaint / "capturas"
        photos.mkdir()
        for n in range(1, 3):
            (photos / f"captura_{n}.png").write_bytes(png(96, 64, n))
        _received(ws, complaint, "Denuncia ciudadana recibida en ventanilla (ficticia)",
                  "2026-11-02T09:15:00-06:00",
                  note="Entregada en USB por la persona denunciante")
        phone = work / "extraccion_telefono_incautado.zip"
        phone.write_bytes(_phone_zip(data))
        _received(ws, phone,
                  "Extracción lógica del teléfono incautado, acta 45-2026 (ficticia)",
                  "2026-11-04T10:30:00-06:00")
        cdr = work / "cdr_operador_demo.csv"
        shutil.copy(data / "cdr_operador_demo.csv", cdr)
        _received(ws, cdr, "Respuesta del operador a orden de producción (ficticia)",
                  "2026-11-10T08:00:00-06:00")
        channel = work / "ChatExport_2026-11-08"
        (channel / "photos").mkdir(parents=True)
        shutil.copy(data / "telegram_canal_result.json", channel / "result.json")
        (channel / "photos" / "photo_1@01-11-2026_09-06-00.jpg").write_bytes(png(80, 60, 7))
        _received(ws, channel,
                  "Exportación de Telegram Desktop del canal público de ventas (ficticia)",
                  "2026-11-08T16:20:00-06:00")
        instagram = work / "instagram_cliente_demo"
        thread = instagram / "your_instagram_activity" / "messages" / "inbox" / \
            "colibriexpress_1029384756"
        (thread / "photos").mkdir(parents=True)
        # Meta writes its text as mojibake (each UTF-8 byte as a character): so does the demo
        (thread / "message_1.json").write_text(
            _meta_mojibake((data / "instagram_mensajes.json").read_text("utf-8")), "utf-8")
        (thread / "photos" / "1029384756_menu.png").write_bytes(png(72, 72, 9))
        _received(ws, instagram, "Descarga de información de Instagram entregada por la "
                  "persona denunciante (ficticia)", "2026-11-09T09:00:00-06:00")
        # a buyer's Messenger download: end-to-end encrypted chats come in their own JSON
        messenger = work / "messenger_comprador_demo"
        (messenger / "media").mkdir(parents=True)
        shutil.copy(data / "messenger_cifrado.json", messenger / "Colibri_Express_7.json")
        (messenger / "media" / "comprobante_demo.png").write_bytes(png(64, 96, 11))
        _received(ws, messenger, "Descarga de chats cifrados de Messenger entregada por un "
                  "comprador (ficticia)", "2026-11-11T10:00:00-06:00")
        office = work / "documentos"
        office.mkdir()
        for name, content in office_documents().items():
            (office / name).write_bytes(content)
        _received(ws, office, "Documentos de la investigación (ficticios)",
                  "2026-11-12T11:00:00-06:00")
        parts: dict[str, Any] = {}
        for part in CAPABILITY_PARTS:
            parts.update(part.add_to_demo(ws, CASE_REF, work, data))
    from sabueso.extract.index import derive_items

    derived = derive_items(ws, CASE_REF)
    exports = ws.settings.home / "exports"
    exports.mkdir(exist_ok=True)
    package = exports / f"{CASE_REF}-{iso_utc(datetime.now().astimezone())[:10]}.zip"
    if package.exists():
        package.unlink()
    result = export_case(ws, CASE_REF, package)
    from sabueso.cases.evidence import list_items

    _case, found = list_items(ws.db, ws.actor, CASE_REF)
    return {"case": CASE_REF, "items": len(found), "built": True, "package": str(result.path),
            "package_sha256": result.sha256, "entities": derived.entities,
            "mentions": derived.mentions, **parts}
