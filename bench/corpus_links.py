"""Links and addresses for the synthetic corpus: domains, e-mails, profile links, URLs.

Same contract as ``corpus_values``: each function returns a :class:`~corpus_values.Frag` with
the raw text as typed and its labels. Derived labels (the registrable domain of a host, the
handle of a profile link, the phone of a ``wa.me`` link) carry the span of the part that
implies them.
"""

from __future__ import annotations

import random

try:
    from bench.corpus_values import PHONE_PLANS, Frag, PhonePool, digits, e164, ipv4_value, whole
except ImportError:  # run from bench/ as a script
    from corpus_values import (  # type: ignore[no-redef]
        PHONE_PLANS,
        Frag,
        PhonePool,
        digits,
        e164,
        ipv4_value,
        whole,
    )

# ---------------------------------------------------------------------------------------------
# Domains and hosts

# Public suffixes (ICANN section of the Public Suffix List) used for generated hosts, so the
# registrable domain of every generated host is known without a PSL lookup.
SUFFIXES = [
    ("com", 40), ("net", 5), ("org", 4), ("info", 2), ("io", 2), ("co", 2), ("me", 2), ("xyz", 3),
    ("online", 3), ("shop", 2), ("store", 2), ("site", 2), ("top", 2), ("app", 1), ("lat", 2),
    ("com.gt", 8), ("gt", 2), ("org.gt", 1), ("com.sv", 5), ("org.sv", 1), ("hn", 2),
    ("com.hn", 4), ("com.ni", 3), ("ni", 1), ("co.cr", 3), ("cr", 2), ("fi.cr", 1), ("com.pa", 4),
    ("com.do", 4), ("com.mx", 4), ("mx", 2), ("com.co", 3), ("us", 1), ("es", 1), ("tv", 1),
    ("link", 1), ("club", 1),
]
WORDS_A = ["tienda", "ventas", "distribuidora", "envios", "celulares", "motos", "repuestos",
           "farmacia", "boutique", "ferreteria", "importadora", "agencia", "servicios",
           "creditos", "prestamos", "inversiones", "cripto", "trading", "premios", "promo",
           "ofertas", "regalos", "tecno", "market", "delivery", "express", "casa", "mundo",
           "super", "mega", "bolsa", "empleos", "viajes", "remesas", "cambios", "seguros"]
WORDS_B = ["gt", "chapin", "guate", "sv", "cuscatlan", "catracho", "hn", "nica", "tico", "pty",
           "rd", "quisqueya", "latam", "express", "online", "pro", "plus", "24", "365", "ya",
           "total", "facil", "rapido", "centro", "norte", "sur", "digital", "club", "vip"]
# Real, well-known registrable domains (host, registrable)
KNOWN_HOSTS = [
    ("encuentra24.com", "encuentra24.com"), ("www.encuentra24.com", "encuentra24.com"),
    ("mercadolibre.com.mx", "mercadolibre.com.mx"), ("articulo.mercadolibre.com.co",
                                                     "mercadolibre.com.co"),
    ("drive.google.com", "google.com"), ("maps.google.com", "google.com"),
    ("docs.google.com", "google.com"), ("maps.app.goo.gl", "goo.gl"),
    ("mega.nz", "mega.nz"), ("www.mediafire.com", "mediafire.com"), ("wetransfer.com",
                                                                     "wetransfer.com"),
    ("www.dropbox.com", "dropbox.com"), ("bit.ly", "bit.ly"), ("tinyurl.com", "tinyurl.com"),
    ("linktr.ee", "linktr.ee"), ("www.amazon.com", "amazon.com"), ("www.paypal.com", "paypal.com"),
    ("www.binance.com", "binance.com"), ("es.wikipedia.org", "wikipedia.org"),
    ("www.bi.com.gt", "bi.com.gt"), ("www.banrural.com.gt", "banrural.com.gt"),
    ("www.bancoagricola.com", "bancoagricola.com"), ("www.ficohsa.com", "ficohsa.com"),
    ("www.banpro.com.ni", "banpro.com.ni"), ("www.bncr.fi.cr", "bncr.fi.cr"),
    ("www.banreservas.com", "banreservas.com"), ("www.popularenlinea.com", "popularenlinea.com"),
    ("www.mp.gob.gt", "mp.gob.gt"), ("www.pnc.gob.gt", "pnc.gob.gt"),
    ("www.fiscalia.gob.sv", "fiscalia.gob.sv"), ("www.ministeriopublico.gob.pa",
                                                 "ministeriopublico.gob.pa"),
    ("pgr.gob.do", "pgr.gob.do"), ("www.poder-judicial.go.cr", "poder-judicial.go.cr"),
    ("www.prensalibre.com", "prensalibre.com"), ("www.laprensagrafica.com", "laprensagrafica.com"),
    ("www.elheraldo.hn", "elheraldo.hn"), ("www.nacion.com", "nacion.com"),
    ("www.listindiario.com", "listindiario.com"), ("www.tigo.com.gt", "tigo.com.gt"),
    ("www.claro.com.sv", "claro.com.sv"), ("mail.google.com", "google.com"),
    ("www.olx.com.co", "olx.com.co"), ("www.craigslist.org", "craigslist.org"),
    ("onion.ly", "onion.ly"), ("pastebin.com", "pastebin.com"), ("anonfiles.com", "anonfiles.com"),
]
PHISH_BRANDS = ["bi", "banrural", "bac", "agricola", "ficohsa", "banpro", "bncr", "banreservas",
                "popular", "tigo", "claro", "tigomoney", "binance", "paypal", "netflix", "whatsapp"]
PHISH_WORDS = ["seguridad", "verificacion", "enlinea", "en-linea", "soporte", "premios",
               "actualizar", "bloqueo", "desbloqueo", "cuenta", "login", "secure", "app", "web"]


def registrable(rng: random.Random) -> str:
    """A made-up registrable domain: ``label.suffix``."""
    r = rng.random()
    if r < .35:
        label = rng.choice(PHISH_BRANDS) + rng.choice(["-", ""]) + rng.choice(PHISH_WORDS)
        if rng.random() < .3:
            label += rng.choice(["-gt", "-sv", "-hn", "-cr", "-rd", "24", "2025", "-online"])
    else:
        label = rng.choice(WORDS_A) + rng.choice(["", "-", ""]) + rng.choice(WORDS_B)
    suffix = rng.choices([s for s, _ in SUFFIXES], weights=[w for _, w in SUFFIXES])[0]
    return f"{label}.{suffix}"


def host(rng: random.Random) -> tuple[str, str]:
    """(host name as written, registrable domain)."""
    if rng.random() < .3:
        return rng.choice(KNOWN_HOSTS)
    reg = registrable(rng)
    sub = rng.choices(["", "www.", "m.", "app.", "portal.", "login.", "secure.", "tienda."],
                      weights=[45, 35, 3, 3, 4, 4, 3, 3])[0]
    return sub + reg, reg


# ---------------------------------------------------------------------------------------------
# E-mail addresses

FIRST = ["juan", "maria", "jose", "karla", "luis", "ana", "carlos", "wendy", "jorge", "sofia",
         "kevin", "brenda", "erick", "dulce", "byron", "marvin", "gaby", "yessenia", "oscar",
         "fernando", "alex", "mike", "jessica", "ashley", "bryan", "nelson", "rosa", "pedro",
         "yeison", "yulissa", "hector", "wilmer", "darwin", "yamileth", "franklin", "katherine"]
LAST = ["perez", "lopez", "garcia", "hernandez", "martinez", "rodriguez", "mejia", "castillo",
        "ramirez", "flores", "morales", "reyes", "cruz", "ortiz", "gomez", "diaz", "vasquez",
        "santos", "pena", "batista", "almonte", "solis", "araya", "vargas", "chavarria", "ruiz"]
MAIL_PROVIDERS = [("gmail.com", 40), ("hotmail.com", 18), ("yahoo.com", 6), ("outlook.com", 7),
                  ("hotmail.es", 3), ("yahoo.es", 2), ("live.com", 2), ("icloud.com", 4),
                  ("proton.me", 4), ("protonmail.com", 3), ("tutanota.com", 1), ("yahoo.com.mx", 2),
                  ("outlook.es", 2), ("gmx.com", 1)]
ORG_MAIL_DOMAINS = [("mp.gob.gt", "mp.gob.gt"), ("pnc.gob.gt", "pnc.gob.gt"),
                    ("ues.edu.sv", "ues.edu.sv"), ("correo.unah.edu.hn", "unah.edu.hn"),
                    ("ucr.ac.cr", "ucr.ac.cr"), ("claro.com.gt", "claro.com.gt"),
                    ("tigo.com.hn", "tigo.com.hn"), ("fiscalia.gob.sv", "fiscalia.gob.sv"),
                    ("pgr.gob.do", "pgr.gob.do"), ("jabber.ru", "jabber.ru"),
                    ("xmpp.jp", "xmpp.jp"), ("cock.li", "cock.li")]


def local_part(rng: random.Random) -> str:
    f, last = rng.choice(FIRST), rng.choice(LAST)
    shape = rng.randrange(9)
    if shape == 0:
        return f"{f}.{last}"
    if shape == 1:
        return f"{f[0]}{last}{rng.randrange(1, 99)}"
    if shape == 2:
        return f"{f}_{last}{rng.choice(['', '502', '503', '504', '809', '2001', '88'])}"
    if shape == 3:
        return f"{f}{last}{rng.randrange(1970, 2010)}"
    if shape == 4:
        return rng.choice(["ventas", "info", "pedidos", "contacto", "soporte", "admin", "rrhh",
                           "facturacion", "cobros", "sales", "support"]) + rng.choice(
                               ["", ".gt", "_sv", "hn", "2025", ".express"])
    if shape == 5:
        return f"{f}.{last}.{rng.randrange(1, 30)}"
    if shape == 6:
        return f"{f}+{rng.choice(['ventas', 'fb', 'compras', 'spam'])}"
    if shape == 7:
        return f"{f}-{last}"
    return rng.choice(["elchapin", "lacatracha", "eltico", "nicaguapo", "panameno", "eltiguere",
                       "reydelbarrio", "darkvendor", "plugmaster", "dumpsking", "shopcvv"]) + str(
                           rng.randrange(10, 999))


def email(rng: random.Random) -> Frag:
    """An e-mail address, plain or obfuscated, plus its derived domain."""
    r = rng.random()
    if r < .75:
        dom = rng.choices([d for d, _ in MAIL_PROVIDERS], weights=[w for _, w in MAIL_PROVIDERS])[0]
        reg = dom
    elif r < .88:
        dom, reg = rng.choice(ORG_MAIL_DOMAINS)
    else:
        dom = reg = registrable(rng)
    loc = local_part(rng)
    value = f"{loc}@{dom}".lower()
    case = rng.random()
    if case < .08:
        loc = loc.capitalize()
    elif case < .11:
        loc, dom = loc.upper(), dom.upper()
    elif case < .14:
        dom = dom.capitalize()
    style = rng.choices(["plain", "at_br", "at_br_dot", "at_par", "arroba_par", "arroba",
                         "arroba_punto", "at_sq", "curly"],
                        weights=[82, 4, 3, 2, 2, 3, 2, 1, 1])[0]
    if style == "plain":
        text = f"{loc}@{dom}"
        at = len(loc) + 1
    else:
        at_tok, dot_tok = {
            "at_br": ("[at]", "."), "at_br_dot": (" [at] ", " [dot] "), "at_par": ("(at)", "."),
            "arroba_par": (" (arroba) ", "."), "arroba": (" arroba ", "."),
            "arroba_punto": (" arroba ", " punto "), "at_sq": ("[@]", "[.]"),
            "curly": ("{at}", "{dot}"),
        }[style]
        text = loc + at_tok + dom.replace(".", dot_tok)
        at = len(loc) + len(at_tok)
    frag = whole(text, "email", value)
    frag.add("domain", reg, at, len(text), derived=True)
    return frag


# ---------------------------------------------------------------------------------------------
# Handles (usernames), profile and non-profile links

# Username rules per platform (letters are lower-cased here; a few are shown capitalised):
# instagram [a-z0-9._] <= 30; facebook [a-z0-9.] >= 5; tiktok [a-z0-9._] <= 24;
# telegram [a-z0-9_] 5-32, starts with a letter; x [a-z0-9_] <= 15; youtube [a-z0-9._-] 3-30;
# snapchat [a-z0-9._-] 3-15, starts with a letter.
_USER_LIMITS = {"instagram": (1, 30), "facebook": (5, 50), "tiktok": (2, 24), "telegram": (5, 32),
                "x": (4, 15), "youtube": (3, 30), "snapchat": (3, 15)}


def username(rng: random.Random, platform: str) -> str:
    f, last = rng.choice(FIRST), rng.choice(LAST)
    base = rng.choice([f"{f}.{last}", f"{f}_{last}", f"{f}{last}", f"{f}{rng.randrange(1, 999)}",
                       f"{rng.choice(WORDS_A)}_{rng.choice(WORDS_B)}",
                       f"{rng.choice(WORDS_A)}{rng.choice(WORDS_B)}",
                       "el_" + rng.choice(["primo", "chele", "flaco", "gordo", "negro", "tio",
                                           "compa"]) + str(rng.randrange(1, 99)),
                       f"{f}.{last}.{rng.randrange(1, 9)}"])
    if platform in ("telegram", "x"):
        base = base.replace(".", "_")
    elif platform == "facebook":
        base = base.replace("_", ".")
    lo, hi = _USER_LIMITS[platform]
    base = base[:hi].rstrip("._-")
    while len(base) < lo:
        base += rng.choice(["gt", "sv", "hn", "502", "oficial"])[: hi - len(base)]
    return base


PROFILE = {
    # platform -> list of (URL prefix templates producing a profile link, weight)
    "instagram": [("https://www.instagram.com/{u}/", 4), ("https://instagram.com/{u}", 2),
                  ("instagram.com/{u}", 3), ("www.instagram.com/{u}", 1),
                  ("https://www.instagram.com/{u}?igsh=" + "{tok}", 2)],
    "facebook": [("https://www.facebook.com/{u}", 4), ("facebook.com/{u}", 3),
                 ("https://m.facebook.com/{u}", 1), ("https://web.facebook.com/{u}", 1),
                 ("fb.com/{u}", 1)],
    "tiktok": [("https://www.tiktok.com/@{u}", 4), ("tiktok.com/@{u}", 3),
               ("https://www.tiktok.com/@{u}?_t=8{tok}&_r=1", 2)],
    "telegram": [("https://t.me/{u}", 4), ("t.me/{u}", 6), ("telegram.me/{u}", 1),
                 ("http://t.me/{u}", 1)],
    "x": [("https://x.com/{u}", 3), ("https://twitter.com/{u}", 3), ("x.com/{u}", 1),
          ("twitter.com/{u}", 2), ("https://mobile.twitter.com/{u}", 1)],
    "youtube": [("https://www.youtube.com/@{u}", 4), ("youtube.com/@{u}", 2),
                ("https://m.youtube.com/@{u}", 1)],
    "snapchat": [("https://www.snapchat.com/add/{u}", 3), ("snapchat.com/add/{u}", 2)],
}


def _tok(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                   for _ in range(n))


def _reg_of(host_name: str) -> str:
    """Registrable domain of the platform hosts used in links (all are ``label.tld``)."""
    return ".".join(host_name.lower().split(".")[-2:])


def _host_span(url: str) -> tuple[int, int]:
    scheme_end = url.find("://")
    hs = scheme_end + 3 if scheme_end >= 0 else 0
    he = hs
    while he < len(url) and url[he] not in "/?#:":
        he += 1
    return hs, he


def _url_frag(url: str, reg: str | None = None, *, optional: bool = False) -> Frag:
    """A URL fragment labelled with the URL and its derived registrable domain (host span)."""
    frag = whole(url, "url", url, **({"optional": True} if optional else {}))
    hs, he = _host_span(url)
    frag.add("domain", reg or _reg_of(url[hs:he]), hs, he, derived=True)
    return frag


def profile_link(rng: random.Random, platform: str | None = None) -> Frag:
    """A profile link: url + domain + handle (``platform:username``)."""
    platform = platform or rng.choices(
        list(PROFILE), weights=[30, 22, 14, 18, 7, 5, 4])[0]
    user = username(rng, platform)
    shown = user if rng.random() > .1 else user.capitalize()  # autocapitalised by the phone
    tmpl = rng.choices([t for t, _ in PROFILE[platform]], weights=[w for _,
                                                                   w in PROFILE[platform]])[0]
    url = tmpl.format(u=shown, tok=_tok(rng, 10))
    frag = _url_frag(url)
    at = url.index(shown, _host_span(url)[1])
    frag.add("handle", f"{platform}:{user.lower()}", at, at + len(shown), derived=True,
             platform=platform)
    return frag


def facebook_numeric_profile(rng: random.Random) -> Frag:
    fid = "1000" + digits(rng, 11)
    url = rng.choice(["https://www.facebook.com/profile.php?id=", "facebook.com/profile.php?id=",
                      "https://m.facebook.com/profile.php?id="]) + fid
    frag = _url_frag(url)
    at = url.index("id=") + 3
    frag.add("handle", f"facebook:{fid}", at, len(url), derived=True, platform="facebook",
             optional=True)
    return frag


def non_profile_link(rng: random.Random) -> Frag:
    """Post, group, invite, video and share links: url + domain only, never a handle."""
    u = username(rng, "x")
    kind = rng.randrange(14)
    url = [
        f"https://www.instagram.com/p/{_tok(rng, 11)}/",
        f"https://www.instagram.com/reel/{_tok(rng, 11)}/?igsh={_tok(rng, 12)}",
        f"https://www.facebook.com/groups/{digits(rng, 15)}/",
        f"https://www.facebook.com/share/p/{_tok(rng, 10)}/",
        f"https://www.facebook.com/marketplace/item/{digits(rng, 15)}/",
        f"https://t.me/+{_tok(rng, 16)}",
        f"https://t.me/joinchat/{_tok(rng, 22)}",
        f"t.me/{username(rng, 'telegram')}/{rng.randrange(2, 9999)}",
        f"https://www.tiktok.com/@{u}/video/7{digits(rng, 18)}",
        f"https://vm.tiktok.com/ZM{_tok(rng, 7)}/",
        f"https://x.com/{u}/status/1{digits(rng, 18)}",
        f"https://www.youtube.com/watch?v={_tok(rng, 11)}",
        f"https://youtu.be/{_tok(rng, 11)}",
        f"https://chat.whatsapp.com/{_tok(rng, 22)}",
    ][kind]
    return _url_frag(url)


def wa_link(rng: random.Random, pool: PhonePool, region: str) -> Frag:
    """wa.me / api.whatsapp.com links: url + domain + the phone of the link."""
    country = region if rng.random() < .7 else rng.choice(list(PHONE_PLANS))
    nsn = pool.pick(rng, country)
    num = PHONE_PLANS[country][0] + nsn
    r = rng.random()
    if r < .45:
        url = f"https://wa.me/{num}"
    elif r < .7:
        url = f"wa.me/{num}"
    elif r < .82:
        url = f"https://wa.me/{num}?text=Hola%20quiero%20info"
    elif r < .95:
        url = f"https://api.whatsapp.com/send?phone={num}&text=Hola"
    else:
        url = f"https://wa.me/+{num}"
    frag = _url_frag(url)
    at = url.index(num)
    frag.add("phone", e164(country, nsn), at, at + len(num), derived=True, country=country)
    return frag


PATHS = ["/catalogo", "/productos/iphone-13-pro-max", "/login",
         "/cuenta/verificar?id={n}&token={t}",
         "/wp-admin/", "/index.php?route=product/product&product_id={n}", "/s/{t}",
         "/?utm_source=fb&utm_medium=cpc", "/{t}", "/promo/{n}", "/seguridad/actualizar-datos",
         "/archivo.pdf", "/IMG_{n}.jpg", "/empleos/", "/search?q=vuelos+a+miami", "/#/pedido/{n}",
         "/wiki/Tegucigalpa_(ciudad)", "/es/", "/blog/2025/03/12/noticia-{n}.html",
         "/file/{t}/comprobante.zip/file", "/drive/folders/{t}", "/maps?q=14.634915,-90.506882",
         "/noticias/nacionales/capturan-a-{n}", "", "/", "/contacto", "/api/v1/users/{n}"]


def web_url(rng: random.Random) -> Frag:
    """A web link: with scheme, www., scheme-less or defanged; value refanged, as found."""
    h, reg = host(rng)
    path = rng.choice(PATHS).format(n=rng.randrange(1, 99999), t=_tok(rng, rng.randrange(6, 20)))
    r = rng.random()
    if r < .06:  # defanged
        scheme = rng.choice(["hxxp://", "hxxps://", "hXXps://", "hxxps[:]//", "http[:]//"])
        real = scheme.replace("[:]", ":").replace("hxxp", "http").replace("hXXp", "http")
        if rng.random() < .6:
            hd = h.replace(".", "[.]", 1) if rng.random() < .5 else h.replace(".", "[.]")
        else:
            hd = h.replace(".", "(.)", 1)
        raw = scheme + hd + path
        frag = whole(raw, "url", real + h + path)
        hs = len(scheme)
        frag.add("domain", reg, hs, hs + len(hd), derived=True)
        return frag
    if r < .75:
        scheme = rng.choices(["https://", "http://"], weights=[4, 1])[0]
        if rng.random() < .03:
            scheme, h = scheme.upper(), h.upper()
        elif rng.random() < .05:
            h = ".".join(p.capitalize() for p in h.split("."))
        return _url_frag(scheme + h + path, reg)
    if h.startswith("www."):
        if not path:
            return _url_frag(h, reg, optional=True)
        return _url_frag(h + path, reg)
    if not path or path == "/":
        path = "/" + _tok(rng, 6)
    return _url_frag(h + path, reg)


def ip_url(rng: random.Random) -> Frag:
    ip = ipv4_value(rng, public=True)
    port = rng.choice(["", "", ":8080", ":8443", ":3000"])
    url = rng.choice(["http://", "https://"]) + ip + port + rng.choice(["/panel", "/login.php", "/",
                                                                        "/bot/gate.php"])
    frag = whole(url, "url", url)
    hs = url.index("//") + 2
    frag.add("ipv4", ip, hs, hs + len(ip), derived=True)
    return frag


