"""The bundled demo case: an invented drug-sales-online investigation in Guatemala.

``sabueso demo`` builds it in the current workspace from synthetic files shipped in
``sabueso/demo/data`` plus a few generated ones (PNG images drawn here, a seized-phone ZIP
assembled here with fixed timestamps, so every build yields the same hashes). Each capability
of Sabueso adds its part here so that ``make run`` shows the whole product.
"""

from __future__ import annotations

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
from sabueso.ingest.intake import IntakeOptions, add_paths
from sabueso.workspace import Workspace

CASE_REF = "DEMO-COLIBRI"
TZ = "America/Guatemala"
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
        add_paths(ws, CASE_REF, [complaint], IntakeOptions(
            source="Denuncia ciudadana recibida en ventanilla (ficticia)",
            acquired_at=datetime.fromisoformat("2026-11-02T09:15:00-06:00"),
            note="Entregada en USB por la persona denunciante"))
        phone = work / "extraccion_telefono_incautado.zip"
        phone.write_bytes(_phone_zip(data))
        add_paths(ws, CASE_REF, [phone], IntakeOptions(
            source="Extracción lógica del teléfono incautado, acta 45-2026 (ficticia)",
            acquired_at=datetime.fromisoformat("2026-11-04T10:30:00-06:00")))
        cdr = work / "cdr_operador_demo.csv"
        shutil.copy(data / "cdr_operador_demo.csv", cdr)
        add_paths(ws, CASE_REF, [cdr], IntakeOptions(
            source="Respuesta del operador a orden de producción (ficticia)",
            acquired_at=datetime.fromisoformat("2026-11-10T08:00:00-06:00")))
    exports = ws.settings.home / "exports"
    exports.mkdir(exist_ok=True)
    package = exports / f"{CASE_REF}-{iso_utc(datetime.now().astimezone())[:10]}.zip"
    if package.exists():
        package.unlink()
    result = export_case(ws, CASE_REF, package)
    from sabueso.cases.evidence import list_items

    _case, found = list_items(ws.db, ws.actor, CASE_REF)
    return {"case": CASE_REF, "items": len(found), "built": True, "package": str(result.path),
            "package_sha256": result.sha256}
