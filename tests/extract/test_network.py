"""Network family: URLs, e-mails, domains, IPs, handles and link phones in chat-like text.

Each positive case lists every hit the family reports for the text (after the engine's
overlap resolution), as (type, value, raw); offsets are checked against the position of
``raw`` in the text. Negative cases are texts in which nothing of the family may be found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import phonenumbers
import pytest

from sabueso.extract import psl
from sabueso.extract.base import Context, Hit, prepare
from sabueso.extract.engine import resolve
from sabueso.extract.network import FAMILY, TYPES
from sabueso.extract.phoneattrs import e164, phone_hit_attrs

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def scan(text: str, region: str | None = None) -> list[Hit]:
    hits = resolve(FAMILY.scan(prepare(text), Context(region=region)), TYPES)
    for hit in hits:
        assert text[hit.start:hit.end] == hit.raw, hit
    return hits


def triples(text: str, region: str | None = None) -> list[tuple[str, str, str]]:
    return sorted((h.type, h.value, h.raw) for h in scan(text, region))


def at(text: str, raw: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(raw, start + 1)
    return start, start + len(raw)


POSITIVE: list[tuple[str, list[tuple[str, str, str]]]] = [
    # URLs with a scheme, glued punctuation, brackets, quotes, emoji.
    ("Visita https://www.Tienda.com.gt/Catalogo?id=5. ¡Gracias!", [
        ("url", "https://www.Tienda.com.gt/Catalogo?id=5", "https://www.Tienda.com.gt/Catalogo?id=5"),
        ("domain", "tienda.com.gt", "www.Tienda.com.gt")]),
    ("[texto](https://t.me/Ventas_GT) listo", [
        ("url", "https://t.me/Ventas_GT", "https://t.me/Ventas_GT"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:ventas_gt", "Ventas_GT")]),
    ("<https://instagram.com/ventas.gt/>", [
        ("url", "https://instagram.com/ventas.gt/", "https://instagram.com/ventas.gt/"),
        ("domain", "instagram.com", "instagram.com"),
        ("handle", "instagram:ventas.gt", "ventas.gt")]),
    ("¿Viste https://bit.ly/3abcDEF? ¡Está buenísimo!", [
        ("url", "https://bit.ly/3abcDEF", "https://bit.ly/3abcDEF"),
        ("domain", "bit.ly", "bit.ly")]),
    ("El catálogo «https://tienda.com.gt/catálogo/ropa» y “www.ventas.com/x”.", [
        ("url", "https://tienda.com.gt/catálogo/ropa", "https://tienda.com.gt/catálogo/ropa"),
        ("domain", "tienda.com.gt", "tienda.com.gt"),
        ("url", "www.ventas.com/x", "www.ventas.com/x"),
        ("domain", "ventas.com", "www.ventas.com")]),
    ("(ver https://es.wikipedia.org/wiki/Guatemala_(desambiguación)), gracias", [
        ("url", "https://es.wikipedia.org/wiki/Guatemala_(desambiguación)",
         "https://es.wikipedia.org/wiki/Guatemala_(desambiguación)"),
        ("domain", "wikipedia.org", "es.wikipedia.org")]),
    ("Mirá 👉https://tiktok.com/@tienda.hn/video/123456👈", [
        ("url", "https://tiktok.com/@tienda.hn/video/123456",
         "https://tiktok.com/@tienda.hn/video/123456"),
        ("domain", "tiktok.com", "tiktok.com")]),
    ('el link es "https://docs.google.com/forms/d/e/1FAIp/viewform?usp=sf_link"...', [
        ("url", "https://docs.google.com/forms/d/e/1FAIp/viewform?usp=sf_link",
         "https://docs.google.com/forms/d/e/1FAIp/viewform?usp=sf_link"),
        ("domain", "google.com", "docs.google.com")]),
    ("[https://a.example.com](https://a.example.com/x)", [
        ("url", "https://a.example.com", "https://a.example.com"),
        ("domain", "example.com", "a.example.com"),
        ("url", "https://a.example.com/x", "https://a.example.com/x"),
        ("domain", "example.com", "a.example.com")]),
    ("https://example.com:8443/a/b#frag, y http://user:pw@example.org/x", [
        ("url", "https://example.com:8443/a/b#frag", "https://example.com:8443/a/b#frag"),
        ("domain", "example.com", "example.com"),
        ("url", "http://user:pw@example.org/x", "http://user:pw@example.org/x"),
        ("domain", "example.org", "example.org")]),
    ("HTTPS://WWW.FACEBOOK.COM/Juan.Perez.5", [
        ("url", "HTTPS://WWW.FACEBOOK.COM/Juan.Perez.5", "HTTPS://WWW.FACEBOOK.COM/Juan.Perez.5"),
        ("domain", "facebook.com", "WWW.FACEBOOK.COM"),
        ("handle", "facebook:juan.perez.5", "Juan.Perez.5")]),
    ("https://tienda.com.gt.Gracias", [
        ("url", "https://tienda.com.gt", "https://tienda.com.gt"),
        ("domain", "tienda.com.gt", "tienda.com.gt")]),
    # Defanged.
    ("hxxps://example[.]com/path y hxxp://evil(.)net y https[:]//x[dot]org/a", [
        ("url", "https://example.com/path", "hxxps://example[.]com/path"),
        ("domain", "example.com", "example[.]com"),
        ("url", "http://evil.net", "hxxp://evil(.)net"),
        ("domain", "evil.net", "evil(.)net"),
        ("url", "https://x.org/a", "https[:]//x[dot]org/a"),
        ("domain", "x.org", "x[dot]org")]),
    ("hXXp[://]malo[.]com.gt/descarga", [
        ("url", "http://malo.com.gt/descarga", "hXXp[://]malo[.]com.gt/descarga"),
        ("domain", "malo.com.gt", "malo[.]com.gt")]),
    ("example[.]com y short[.]is y 192[.]168[.]0[.]1", [
        ("domain", "example.com", "example[.]com"),
        ("domain", "short.is", "short[.]is"),
        ("ipv4", "192.168.0.1", "192[.]168[.]0[.]1")]),
    # IP hosts.
    ("https://192.168.1.1:8443/login y http://[2001:db8::1]:8080/x)", [
        ("url", "https://192.168.1.1:8443/login", "https://192.168.1.1:8443/login"),
        ("ipv4", "192.168.1.1", "192.168.1.1"),
        ("url", "http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("ipv6", "2001:db8::1", "2001:db8::1")]),
    ("panel en 190.104.12.8/admin", [
        ("url", "190.104.12.8/admin", "190.104.12.8/admin"),
        ("ipv4", "190.104.12.8", "190.104.12.8")]),
    # Scheme-less URLs and bare host names.
    ("entrá a t.me/canal_ventas ya, o wa.me/50255123456", [
        ("url", "t.me/canal_ventas", "t.me/canal_ventas"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:canal_ventas", "canal_ventas"),
        ("url", "wa.me/50255123456", "wa.me/50255123456"),
        ("domain", "wa.me", "wa.me"),
        ("phone", "+50255123456", "50255123456")]),
    ("premios-latam.ni, tienda24.me, app.ofertasclub.me, tiendachapin.co, elpais.es/noticias", [
        ("domain", "premios-latam.ni", "premios-latam.ni"),
        ("domain", "tienda24.me", "tienda24.me"),
        ("domain", "ofertasclub.me", "app.ofertasclub.me"),
        ("domain", "tiendachapin.co", "tiendachapin.co"),
        ("url", "elpais.es/noticias", "elpais.es/noticias"),
        ("domain", "elpais.es", "elpais.es")]),
    ("www.elpais.es y WWW.Tienda.COM/Ofertas.", [
        ("url", "www.elpais.es", "www.elpais.es"),
        ("domain", "elpais.es", "www.elpais.es"),
        ("url", "WWW.Tienda.COM/Ofertas", "WWW.Tienda.COM/Ofertas"),
        ("domain", "tienda.com", "WWW.Tienda.COM")]),
    ("ventas-gt.com, shop.example.com.gt y Ventas.Com", [
        ("domain", "ventas-gt.com", "ventas-gt.com"),
        ("domain", "example.com.gt", "shop.example.com.gt"),
        ("domain", "ventas.com", "Ventas.Com")]),
    ("página: tienda-online.com.do/productos?id=3", [
        ("url", "tienda-online.com.do/productos?id=3", "tienda-online.com.do/productos?id=3"),
        ("domain", "tienda-online.com.do", "tienda-online.com.do")]),
    ("mi blog juan.blogspot.com y el de ventas.wixsite.com/tienda", [
        ("domain", "blogspot.com", "juan.blogspot.com"),
        ("url", "ventas.wixsite.com/tienda", "ventas.wixsite.com/tienda"),
        ("domain", "wixsite.com", "ventas.wixsite.com")]),
    ("http://xn--caf-dma.com/menu y https://café.com/menu", [
        ("url", "http://xn--caf-dma.com/menu", "http://xn--caf-dma.com/menu"),
        ("domain", "xn--caf-dma.com", "xn--caf-dma.com"),
        ("url", "https://café.com/menu", "https://café.com/menu"),
        ("domain", "xn--caf-dma.com", "café.com")]),
    # E-mail addresses, plain and obfuscated.
    ("correo ventas.demo@proton.me, o VENTAS.GT@Gmail.COM;", [
        ("email", "ventas.demo@proton.me", "ventas.demo@proton.me"),
        ("domain", "proton.me", "proton.me"),
        ("email", "ventas.gt@gmail.com", "VENTAS.GT@Gmail.COM"),
        ("domain", "gmail.com", "Gmail.COM")]),
    ("<juan_perez99@yahoo.com.mx> (pedido@tienda-online.com.gt) mailto:soporte@empresa.co?x=1", [
        ("email", "juan_perez99@yahoo.com.mx", "juan_perez99@yahoo.com.mx"),
        ("domain", "yahoo.com.mx", "yahoo.com.mx"),
        ("email", "pedido@tienda-online.com.gt", "pedido@tienda-online.com.gt"),
        ("domain", "tienda-online.com.gt", "tienda-online.com.gt"),
        ("email", "soporte@empresa.co", "soporte@empresa.co"),
        ("domain", "empresa.co", "empresa.co")]),
    ("juan[at]gmail[dot]com o juan arroba gmail punto com", [
        ("email", "juan@gmail.com", "juan[at]gmail[dot]com"),
        ("domain", "gmail.com", "gmail[dot]com"),
        ("email", "juan@gmail.com", "juan arroba gmail punto com"),
        ("domain", "gmail.com", "gmail punto com")]),
    ("pedro (at) hotmail (dot) com, maria @ yahoo . com, luis[@]outlook.com, ana{at}mail.com", [
        ("email", "pedro@hotmail.com", "pedro (at) hotmail (dot) com"),
        ("domain", "hotmail.com", "hotmail (dot) com"),
        ("email", "maria@yahoo.com", "maria @ yahoo . com"),
        ("domain", "yahoo.com", "yahoo . com"),
        ("email", "luis@outlook.com", "luis[@]outlook.com"),
        ("domain", "outlook.com", "outlook.com"),
        ("email", "ana@mail.com", "ana{at}mail.com"),
        ("domain", "mail.com", "mail.com")]),
    ("write to john.doe at example dot com", [
        ("email", "john.doe@example.com", "john.doe at example dot com"),
        ("domain", "example.com", "example dot com")]),
    ("juan[dot]perez[at]gmail[dot]com y juan+promo@gmail.com", [
        ("email", "juan.perez@gmail.com", "juan[dot]perez[at]gmail[dot]com"),
        ("domain", "gmail.com", "gmail[dot]com"),
        ("email", "juan+promo@gmail.com", "juan+promo@gmail.com"),
        ("domain", "gmail.com", "gmail.com")]),
    ("escribe a ventas@tienda.com.Te respondo", [
        ("email", "ventas@tienda.com", "ventas@tienda.com"),
        ("domain", "tienda.com", "tienda.com")]),
    # IP addresses.
    ("IP 192.168.0.1, server:10.0.0.254. Red 10.0.0.0/8 y 8.8.8.8:53", [
        ("ipv4", "192.168.0.1", "192.168.0.1"),
        ("ipv4", "10.0.0.254", "10.0.0.254"),
        ("ipv4", "10.0.0.0", "10.0.0.0"),
        ("ipv4", "8.8.8.8", "8.8.8.8")]),
    ("ip 010.001.002.003", [("ipv4", "10.1.2.3", "010.001.002.003")]),
    ("send the cash app\n138.122.215.164 - - [18/Mar/2025:21:34:01 -0600]", [
        ("ipv4", "138.122.215.164", "138.122.215.164")]),
    ("2001:0DB8:85a3:0000:0000:8a2e:0370:7334, fe80::1%eth0, ::1 y ::ffff:192.168.1.1", [
        ("ipv6", "2001:db8:85a3::8a2e:370:7334", "2001:0DB8:85a3:0000:0000:8a2e:0370:7334"),
        ("ipv6", "fe80::1", "fe80::1"),
        ("ipv6", "::1", "::1"),
        ("ipv6", "::ffff:192.168.1.1", "::ffff:192.168.1.1")]),
    ("[2001:db8::2]:443", [("ipv6", "2001:db8::2", "2001:db8::2")]),
    # Profile links.
    ("https://m.facebook.com/juan.perez.5?ref=bookmarks", [
        ("url", "https://m.facebook.com/juan.perez.5?ref=bookmarks",
         "https://m.facebook.com/juan.perez.5?ref=bookmarks"),
        ("domain", "facebook.com", "m.facebook.com"),
        ("handle", "facebook:juan.perez.5", "juan.perez.5")]),
    ("facebook.com/profile.php?id=100012345678901", [
        ("url", "facebook.com/profile.php?id=100012345678901",
         "facebook.com/profile.php?id=100012345678901"),
        ("domain", "facebook.com", "facebook.com"),
        ("handle", "facebook:100012345678901", "100012345678901")]),
    ("https://www.facebook.com/people/Juan-Perez/100064123456789/", [
        ("url", "https://www.facebook.com/people/Juan-Perez/100064123456789/",
         "https://www.facebook.com/people/Juan-Perez/100064123456789/"),
        ("domain", "facebook.com", "www.facebook.com"),
        ("handle", "facebook:100064123456789", "100064123456789")]),
    ("https://instagram.com/stories/la_jefa/3123/", [
        ("url", "https://instagram.com/stories/la_jefa/3123/",
         "https://instagram.com/stories/la_jefa/3123/"),
        ("domain", "instagram.com", "instagram.com"),
        ("handle", "instagram:la_jefa", "la_jefa")]),
    ("instagram.com/Tienda_GT?igsh=MWQ1ZGUxMzBkMA==", [
        ("url", "instagram.com/Tienda_GT?igsh=MWQ1ZGUxMzBkMA==",
         "instagram.com/Tienda_GT?igsh=MWQ1ZGUxMzBkMA=="),
        ("domain", "instagram.com", "instagram.com"),
        ("handle", "instagram:tienda_gt", "Tienda_GT")]),
    ("tiktok.com/@User_1 y https://www.tiktok.com/@tienda.hn/live", [
        ("url", "tiktok.com/@User_1", "tiktok.com/@User_1"),
        ("domain", "tiktok.com", "tiktok.com"),
        ("handle", "tiktok:user_1", "User_1"),
        ("url", "https://www.tiktok.com/@tienda.hn/live", "https://www.tiktok.com/@tienda.hn/live"),
        ("domain", "tiktok.com", "www.tiktok.com"),
        ("handle", "tiktok:tienda.hn", "tienda.hn")]),
    ("twitter.com/Juan y https://mobile.twitter.com/juan_p", [
        ("url", "twitter.com/Juan", "twitter.com/Juan"),
        ("domain", "twitter.com", "twitter.com"),
        ("handle", "x:juan", "Juan"),
        ("url", "https://mobile.twitter.com/juan_p", "https://mobile.twitter.com/juan_p"),
        ("domain", "twitter.com", "mobile.twitter.com"),
        ("handle", "x:juan_p", "juan_p")]),
    ("youtube.com/@Canal y https://www.youtube.com/c/CanalGT", [
        ("url", "youtube.com/@Canal", "youtube.com/@Canal"),
        ("domain", "youtube.com", "youtube.com"),
        ("handle", "youtube:canal", "Canal"),
        ("url", "https://www.youtube.com/c/CanalGT", "https://www.youtube.com/c/CanalGT"),
        ("domain", "youtube.com", "www.youtube.com"),
        ("handle", "youtube:canalgt", "CanalGT")]),
    ("snapchat.com/add/juan_p", [
        ("url", "snapchat.com/add/juan_p", "snapchat.com/add/juan_p"),
        ("domain", "snapchat.com", "snapchat.com"),
        ("handle", "snapchat:juan_p", "juan_p")]),
    ("t.me/s/canal_ventas y https://t.me/VentasBot?start=abc", [
        ("url", "t.me/s/canal_ventas", "t.me/s/canal_ventas"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:canal_ventas", "canal_ventas"),
        ("url", "https://t.me/VentasBot?start=abc", "https://t.me/VentasBot?start=abc"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:ventasbot", "VentasBot")]),
    # WhatsApp links and tel: links give phones.
    ("https://api.whatsapp.com/send/?phone=%2B50255123456&text=hola", [
        ("url", "https://api.whatsapp.com/send/?phone=%2B50255123456&text=hola",
         "https://api.whatsapp.com/send/?phone=%2B50255123456&text=hola"),
        ("domain", "whatsapp.com", "api.whatsapp.com"),
        ("phone", "+50255123456", "50255123456")]),
    ("wa.me/18095551234", [
        ("url", "wa.me/18095551234", "wa.me/18095551234"),
        ("domain", "wa.me", "wa.me"),
        ("phone", "+18095551234", "18095551234")]),
    ("llamar: tel:+50255123456", [("phone", "+50255123456", "+50255123456")]),
    ("t.me/+50255123456", [
        ("url", "t.me/+50255123456", "t.me/+50255123456"),
        ("domain", "t.me", "t.me"),
        ("phone", "+50255123456", "50255123456")]),
    # Typographic dashes (``prepare`` makes them ``-``) end an identifier.
    ("correo—juan@x.com— web—tienda.com— https://y.com/a—gracias", [
        ("email", "juan@x.com", "juan@x.com"),
        ("domain", "x.com", "x.com"),
        ("domain", "tienda.com", "tienda.com"),
        ("url", "https://y.com/a", "https://y.com/a"),
        ("domain", "y.com", "y.com")]),
    # WhatsApp formatting: _italics_, *bold*, ~strike-through~.
    ("_https://t.me/ventas_gt_ *https://x.com/b* _juan@gmail.com_ _ventas.com_", [
        ("url", "https://t.me/ventas_gt", "https://t.me/ventas_gt"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:ventas_gt", "ventas_gt"),
        ("url", "https://x.com/b", "https://x.com/b"),
        ("domain", "x.com", "x.com"),
        ("handle", "x:b", "b"),
        ("email", "juan@gmail.com", "juan@gmail.com"),
        ("domain", "gmail.com", "gmail.com"),
        ("domain", "ventas.com", "ventas.com")]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_positive(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(text) == sorted(expected)


@pytest.mark.parametrize("text", [
    # File names, abbreviations, numbers, glued sentences.
    "mandame foto.jpg, IMG-20240101-WA0001.jpeg (archivo adjunto), chat.txt y doc.pdf",
    "corré app.py, script.sh, backup.zip, notas.md y video.mov",
    "a las 5 p.m. o 9 a.m., con el Sr.Pérez, el Dr.House y la Lic.Ana, etc.",
    "EE.UU. y S.A. de C.V., Ing.Software, Av.Reforma",
    "son 1.500 o Q1.500 o L.350 o 3.14 o 10.30 o 12.05.2024",
    "hola.como estas, listo.ya voy, esto.es todo, hola.Soy Juan, bueno.si/no, pa.que",
    "vamos al.cine, ella.la tiene, yo.me voy, me.voy",
    # Versions, dotted numbers that are not addresses.
    "versión 1.2.3.4, v1.2.3.4, 1.2.3.4.5, build 10.0.19045.3803, 256.1.1.1, 1.2.3",
    "WhatsApp 2.24.5.77, actualizá a la 2.24.3.1, Chrome/120.0.0.0, Android 13.0.0.1, 121.0.0.0",
    # Times, MAC addresses, emoticons.
    "a las 12:30:45, el 10:30, MAC 00:1A:2B:3C:4D:5E, aa:bb:cc:dd:ee:ff, jaja :D:D",
    # Mentions, broken addresses.
    "gracias @tienda.gt y @juan_perez, hola@ y a@b.c, user@localhost, foto@2x.png",
    "voy.me, perdón.me, ok.si, bueno.co, ya.me, gracias.me, sale.es, ICQ 7ok.si, ella.es/eso",
    "std::cout, Clase::metodo, abc::def, Nota:: ver",
    "meet at 5 at the mall, at noon (at) the door [at] 5 dot 30",
    # Schemes we do not treat as web links, empty hosts.
    "http:// y https://.com y http://192,168,0,1 y http://999.1.1.1/x",
    "",
])
def test_negative(text: str) -> None:
    assert scan(text) == []


def test_handles_are_not_read_from_content_or_group_links() -> None:
    text = ("https://www.instagram.com/p/Cxyz123/ instagram.com/explore/tags/x "
            "https://x.com/elon/status/12345 https://twitter.com/i/web/status/1 "
            "tiktok.com/@user.name/video/123 facebook.com/groups/123 facebook.com/watch "
            "https://facebook.com/sharer/sharer.php?u=x https://t.me/joinchat/AAAAAEXa1b2 "
            "https://t.me/+AbCdEf123 https://t.me/canal_ventas/123 https://youtu.be/abc "
            "https://www.youtube.com/watch?v=abc https://www.facebook.com/juan.perez/posts/1 "
            "https://vm.tiktok.com/ZM123/ https://chat.whatsapp.com/Fx7abc wa.me/message/ABC "
            "https://www.instagram.com/stories/highlights/123/ instagram.com/juanita/reel/C1/ "
            "https://www.tiktok.com/@u fb.me")
    types = {h.type for h in scan(text)}
    assert "handle" not in types and "phone" not in types


def test_offsets_of_derived_hits() -> None:
    text = "Link: https://www.instagram.com/ventas_gt/?hl=es y wa.me/50255123456"
    hits = {h.type: h for h in scan(text)}
    assert (hits["handle"].start, hits["handle"].end) == at(text, "ventas_gt")
    assert (hits["phone"].start, hits["phone"].end) == at(text, "50255123456")
    assert hits["handle"].derived and hits["phone"].derived
    url = next(h for h in scan(text) if h.type == "url")
    assert (url.start, url.end) == at(text, "https://www.instagram.com/ventas_gt/?hl=es")
    assert not url.derived
    domain = next(h for h in scan(text) if h.type == "domain")
    assert (domain.start, domain.end) == at(text, "www.instagram.com")
    assert domain.attrs == {"host": "www.instagram.com"}


def test_attributes() -> None:
    hits = scan("wa.me/50255123456 instagram.com/ventas_gt")
    phone = next(h for h in hits if h.type == "phone")
    assert phone.attrs == {"country": "GT", "number_type": "mobile", "carrier": "Telgua"}
    handle = next(h for h in hits if h.type == "handle")
    assert handle.attrs == {"platform": "instagram"}


def test_invalid_whatsapp_numbers_give_no_phone() -> None:
    assert sorted(h.type for h in scan("wa.me/123456789")) == ["domain", "url"]


def test_tel_links_with_a_region() -> None:
    assert triples("tel:55123456", "GT") == [("phone", "+50255123456", "55123456")]
    assert triples("tel:55123456") == []


def test_invisible_characters_and_full_width_forms() -> None:
    text = "correo\u200e ventas\uff20gmail\uff0ecom\u202fy https://t.me/x_ventas\u200b ok"
    assert triples(text) == sorted([
        ("email", "ventas@gmail.com", "ventas\uff20gmail\uff0ecom"),
        ("domain", "gmail.com", "gmail\uff0ecom"),
        ("url", "https://t.me/x_ventas", "https://t.me/x_ventas"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:x_ventas", "x_ventas"),
    ])


def test_types_filter() -> None:
    hits = FAMILY.scan(prepare("https://t.me/x_ventas y 1.2.3.4"), Context(types=frozenset(
        {"ipv4"})))
    assert [h.type for h in hits] == ["ipv4"]


def test_whatsapp_export_lines() -> None:
    text = ("[12/03/24, 10:30:45] Juan Pérez: te paso el link https://t.me/canal_gt\n"
            "\u200e[12/03/24, 10:31:02] Juan Pérez: \u200eIMG-20240312-WA0001.jpg <adjunto: "
            "00000042-PHOTO-2024-03-12-10-31-02.jpg>\n"
            "12/3/24, 9:41\u202fp.\u00a0m. - María: mi correo maria.lopez@hotmail.com\n")
    assert triples(text) == sorted([
        ("url", "https://t.me/canal_gt", "https://t.me/canal_gt"),
        ("domain", "t.me", "t.me"),
        ("handle", "telegram:canal_gt", "canal_gt"),
        ("email", "maria.lopez@hotmail.com", "maria.lopez@hotmail.com"),
        ("domain", "hotmail.com", "hotmail.com"),
    ])


def test_private_rules_give_an_attribute() -> None:
    hits = scan("mi blog juan.blogspot.com")
    assert hits[0].attrs == {"host": "juan.blogspot.com", "private_domain": "juan.blogspot.com"}
    assert psl.registrable("x.ventas.netlify.app") == psl.Registrable(
        "x.ventas.netlify.app", "netlify.app", "app", "ventas.netlify.app")


def test_public_suffix_list_official_cases() -> None:
    # From publicsuffix/list tests/test_psl.txt (public domain), with the ICANN rules only
    # (the private section is reported apart) and no registrable domain under an unlisted TLD.
    cases = {
        "example.COM": "example.com", "WwW.example.COM": "example.com", "com": None,
        "example.example": None, "b.example.local": None, "biz": None,
        "domain.biz": "domain.biz", "a.b.example.uk.com": "uk.com",
        "uk.com": "uk.com", "test.ac": "test.ac", "mm": None, "c.mm": None,
        "b.c.mm": "b.c.mm", "a.b.c.mm": "b.c.mm", "jp": None, "test.jp": "test.jp",
        "ac.jp": None, "test.ac.jp": "test.ac.jp", "kyoto.jp": None,
        "test.kyoto.jp": "test.kyoto.jp", "ide.kyoto.jp": None, "b.ide.kyoto.jp":
        "b.ide.kyoto.jp", "c.kobe.jp": None, "b.c.kobe.jp": "b.c.kobe.jp",
        "city.kobe.jp": "city.kobe.jp", "www.city.kobe.jp": "city.kobe.jp", "ck": None,
        "test.ck": None, "b.test.ck": "b.test.ck", "www.ck": "www.ck",
        "www.www.ck": "www.ck", "us": None, "test.us": "test.us", "k12.ak.us": None,
        "www.test.k12.ak.us": "test.k12.ak.us", "食狮.com.cn": "xn--85x722f.com.cn",
        "xn--85x722f.xn--55qx5d.cn": "xn--85x722f.xn--55qx5d.cn", "公司.cn": None,
    }
    for host, expected in cases.items():
        reg = psl.registrable(host)
        assert (reg.domain if reg else None) == expected, host


def test_public_suffix_list_is_read_offline() -> None:
    # The list is a package file; nothing in the module can reach the network.
    source = Path(psl.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\b(urllib|requests|http\.client|socket)\b", source)
    assert psl.is_public_tld("gt") and psl.is_public_tld("COM") and not psl.is_public_tld("jpg")


def test_phone_attributes_helper() -> None:
    numobj = phonenumbers.parse("+18095551234", None)
    assert e164(numobj) == "+18095551234"
    assert phone_hit_attrs(numobj) == {"country": "DO", "number_type": "fixed_line_or_mobile"}
    assert phone_hit_attrs(phonenumbers.parse("+50255123456", None))["carrier"] == "Telgua"


@pytest.mark.skipif(not (SHARED / "pii-spans").is_dir(), reason="shared corpora not present")
def test_presidio_synthetic_spans() -> None:
    data = json.loads((SHARED / "pii-spans" / "presidio_synth_dataset_v2.json").read_text())
    wanted = {"EMAIL_ADDRESS": "email", "IP_ADDRESS": "ip", "DOMAIN_NAME": "url"}
    tp = fp = fn = 0
    for example in data:
        gold = {(wanted[s["entity_type"]], s["start_position"], s["end_position"])
                for s in example["spans"] if s["entity_type"] in wanted}
        pred = {("ip" if h.type in ("ipv4", "ipv6") else h.type, h.start, h.end)
                for h in scan(example["full_text"]) if not h.derived}
        pred = {p for p in pred if p[0] in ("email", "ip", "url", "domain")}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    # The data set labels whole URLs as DOMAIN_NAME; every one is found as a URL.
    assert fp == 0 and fn == 0 and tp == 100
