"""Document kinds of the synthetic corpus: chat exports, posts, e-mails, lists, logs.

Each ``kind(gen, doc, lang)`` appends one document to ``doc``, written the way the real thing
looks (research note ``extraction.md`` section 4 for the chat export formats).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

try:
    from bench import corpus_links as cl
    from bench import corpus_values as cv
    from bench import corpus_words as cw
    from bench.corpus_messages import SEL_EN, SEL_ES, _frag_or_text, fill, message, pick
except ImportError:  # run from bench/ as a script
    import corpus_links as cl  # type: ignore[no-redef]
    import corpus_values as cv  # type: ignore[no-redef]
    import corpus_words as cw  # type: ignore[no-redef]
    from corpus_messages import (  # type: ignore[no-redef]
        SEL_EN,
        SEL_ES,
        _frag_or_text,
        fill,
        message,
        pick,
    )

if TYPE_CHECKING:
    from corpus_gen import Doc, Gen
else:
    Doc = Gen = Any

# ---------------------------------------------------------------------------------------------
# Chat exports


def _participants(g: Gen, lang: str) -> list[cv.Frag | str]:
    rng = g.rng
    names: list[cv.Frag | str] = list(rng.sample(cw.NAMES_ES if lang == "es" else cw.NAMES_EN,
                                                 rng.randrange(2, 5)))
    if not g.quiet and rng.random() < .35:  # an unsaved contact appears as its number
        f = cv.phone(g.rng, g.phones, g.region)
        lab = f.labels[0]
        country = lab.extra["country"]
        nsn = lab.value[1 + len(cv.PHONE_PLANS[country][0]):]
        local = cv._split_local(country, nsn, rng)
        raw = f"+{cv.PHONE_PLANS[country][0]} {local}"
        if rng.random() < .5:  # Android exports wrap unsaved numbers in LRE ... PDF
            names.append(cv.Frag(f"\u202a{raw}\u202c").add("phone", lab.value, 1, 1 + len(raw),
                                                              country=country))
        else:
            names.append(cv.whole(raw, "phone", lab.value, country=country))
    return names


def _when(rng: random.Random) -> tuple[int, int, int, int, int, int]:
    return (rng.choice([2023, 2024, 2025]), rng.randrange(1, 13), rng.randrange(1, 29),
            rng.randrange(0, 24), rng.randrange(60), rng.randrange(60))


SYSTEM_ES = ["Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de "
             "este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener "
             "más información.",
             "Se eliminó este mensaje.", "Eliminaste este mensaje.", "<Multimedia omitido>",
             "Cambiaste el asunto a \"Ventas 🔥\"", "Creaste el grupo \"Pedidos zona 1\""]
SYSTEM_EN = ["Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
             "WhatsApp, can read or listen to them. Tap to learn more.", "This message was deleted",
             "<Media omitted>", "You deleted this message"]


def whatsapp_android(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    people = _participants(g, lang)
    style = rng.choices(["es12", "en12", "24", "iso", "dots"], weights=[45, 15, 30, 5, 5])[0]
    if lang == "en" and style == "es12":
        style = "en12"
    y, mo, d, h, mi, _s = _when(rng)
    ampm_es = rng.choice(["p.\u00a0m.", "p. m.", "p.m.", "p.\u00a0m."])
    space = rng.choice(["\u202f", " ", "\u202f"])
    dash = " – " if rng.random() < .05 else " - "

    def header() -> str:
        hh = h % 12 or 12
        if style == "es12":
            ap = ampm_es if h >= 12 else ampm_es.replace("p", "a")
            return f"{d}/{mo}/{y % 100}, {hh}:{mi:02d}{space}{ap}{dash}"
        if style == "en12":
            return f"{mo}/{d}/{y % 100}, {hh}:{mi:02d}{space}{'PM' if h >= 12 else 'AM'}{dash}"
        if style == "24":
            return f"{d:02d}/{mo:02d}/{y}, {h:02d}:{mi:02d}{dash}"
        if style == "iso":
            return f"{y}/{mo:02d}/{d:02d}, {h}:{mi:02d}{dash}"
        return f"{d:02d}.{mo:02d}.{y}, {h:02d}:{mi:02d}{dash}"

    doc.t(header() + rng.choice(SYSTEM_ES[:1] if lang == "es" else SYSTEM_EN[:1]) + "\n")
    for _ in range(rng.randrange(6, 40)):
        mi += rng.randrange(0, 9)
        if mi >= 60:
            mi, h = mi - 60, (h + 1) % 24
        doc.t(header())
        r = rng.random()
        if r < .04:
            doc.t(rng.choice(SYSTEM_ES[1:] if lang == "es" else SYSTEM_EN[1:]) + "\n")
            continue
        if r < .06 and not g.quiet:  # someone added by number / joined by link
            who = cv.phone(g.rng, g.phones, g.region)
            doc.t(f"{rng.choice(cw.NAMES_ES)} añadió a " if lang == "es" else "Mike added ")
            wrap = rng.random() < .5
            doc.t("\u202a" if wrap else "").f(who).t("\u202c" if wrap else "")
            doc.t("\n")
            continue
        who_f = rng.choice(people)
        doc.f(_frag_or_text(who_f)).t(": ")
        if r < .1:
            fname = f"IMG-{y}{mo:02d}{d:02d}-WA{rng.randrange(10000):04d}.jpg"
            doc.f(cv.noise(fname, "file_name"))
            doc.t(" (archivo adjunto)\n" if lang == "es" else " (file attached)\n")
            continue
        message(g, doc, lang)
        if rng.random() < .03:
            doc.t(" <Se editó este mensaje.>" if lang == "es" else " <This message was edited>")
        while rng.random() < .1:  # continuation lines of a multi-line message
            doc.t("\n")
            message(g, doc, lang)
        doc.t("\n")


def whatsapp_ios(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    people = _participants(g, lang)
    y, mo, d, h, mi, s = _when(rng)
    twelve = rng.random() < .3
    lrm = "\u200e"

    def header() -> str:
        if twelve:
            ampm = "PM" if h >= 12 else "AM"
            return f"[{mo}/{d}/{y % 100}, {h % 12 or 12}:{mi:02d}:{s:02d}\u202f{ampm}] "
        return f"[{d:02d}/{mo:02d}/{y % 100:02d}, {h:02d}:{mi:02d}:{s:02d}] "

    for _ in range(rng.randrange(6, 40)):
        s += rng.randrange(1, 200)
        mi, s = mi + s // 60, s % 60
        h, mi = (h + mi // 60) % 24, mi % 60
        r = rng.random()
        who_f = rng.choice(people)
        if r < .08:
            doc.t(lrm + header()).f(_frag_or_text(who_f)).t(": " + lrm)
            if rng.random() < .5:
                doc.t(rng.choice(["imagen omitida", "audio omitido", "sticker omitido",
                                  "video omitido", "documento omitido"] if lang == "es" else
                                 ["image omitted", "audio omitted", "sticker omitted"]))
            else:
                fname = (f"{rng.randrange(1, 999):08d}-PHOTO-{y}-{mo:02d}-{d:02d}-"
                         f"{h:02d}-{mi:02d}-{s:02d}.jpg")
                doc.t("<adjunto: " if lang == "es" else "<attached: ")
                doc.f(cv.noise(fname, "file_name")).t(">")
            doc.t("\n")
            continue
        doc.t(header()).f(_frag_or_text(who_f)).t(": ")
        message(g, doc, lang)
        while rng.random() < .1:
            doc.t("\n")
            message(g, doc, lang)
        doc.t("\n")


def telegram(g: Gen, doc: Doc, lang: str) -> None:
    """Telegram Desktop "copy" text: ``Name, [12.03.2025 21:41]`` then the text."""
    rng = g.rng
    people = _participants(g, lang)[:3]
    people = [p for p in people if isinstance(p, str)] or ["Canal"]
    y, mo, d, h, mi, _s = _when(rng)
    channel = rng.random() < .3
    for _ in range(rng.randrange(3, 20)):
        mi += rng.randrange(1, 30)
        h, mi = (h + mi // 60) % 24, mi % 60
        who = "📢 " + rng.choice(["Ofertas GT", "Menú del día", "Canal Oficial", "VIP Clientes",
                                 "Pedidos 24/7"]) \
            if channel else rng.choice(people)
        doc.t(f"{who}, [{d:02d}.{mo:02d}.{y if rng.random() < .5 else y % 100} {h:02d}:{mi:02d}]\n")
        if rng.random() < .08:
            doc.t(rng.choice(["[ Photo ]", "[ Sticker ]", "[ Фото ]", "[ Video ]",
                              "[ Voice message ]"]) + "\n")
        if rng.random() < .1:
            doc.t(f"[Forwarded from {rng.choice(people)}]\n" if lang == "en"
                  else f"[Reenviado de {rng.choice(people)}]\n")
        for _ in range(rng.randrange(1, 4) if channel else 1):
            message(g, doc, lang, selector_rate=.35 if channel else .2)
            doc.t("\n")
        doc.t("\n")


# ---------------------------------------------------------------------------------------------
# Posts, lists, e-mails, provider returns, reports, logs


def marketplace(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    es = lang == "es"
    item = rng.choice(["iPhone 13 Pro Max 256GB", "Samsung Galaxy S21 FE", "Moto Honda Navi 2022",
                       "PS5 con 2 controles",
                       "Redmi Note 12", "Laptop HP i5 8GB RAM", "Bocina JBL",
                       "iPhone 11 64GB liberado"])
    doc.t(rng.choice(["🔥 VENDO 🔥 ", "SE VENDE ", "Vendo ", "OFERTA: "] if es else ["FOR SALE: ",
                                                                                   "Selling ",
                                                                                   "🔥 "]))
    doc.t(item + "\n")
    doc.t("Precio: " if es else "Price: ").f(cv.noise(cw.amount_text(rng, g.region if es else "US"),
                                                      "amount"))
    doc.t(rng.choice([" negociable\n", "\n", " fijo\n", " (no cambios)\n"]))
    if rng.random() < .5:
        doc.t("IMEI: " if rng.random() < .7 else "IMEI limpio ").f(cv.imei(rng)).t("\n")
    if rng.random() < .3:
        doc.t("Modelo ").f(cw.distractor(rng, g.region, lang, g.wallets)).t("\n")
    doc.t(rng.choice(["Entregas en zona 1 y Mixco. ", "Envíos a todo el país. ",
                      "Entrega personal en el centro. ",
                      ""] if es else ["Local pickup only. ", "Ships nationwide. ", ""]))
    fill(g, doc, rng.choice(["WhatsApp {phone}", "Info al {phone} o inbox", "Tel. {phone}", "{wa}",
                             "Escribime {phone} / {email}", "Más fotos en {profile}", "Ver {url}",
                             "Contacto: {phone}, {email}"]), lang)
    doc.t("\n")
    if rng.random() < .4:
        doc.t("Publicado " if es else "Posted ").f(cv.noise(cw.date_text(rng), "date")).t("\n")
    if rng.random() < .4:
        doc.f(cl.non_profile_link(rng)).t("\n")
    doc.t("\n")


def forum(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    doc.t(rng.choice(["[SELLING] ", "[WTS] ", "[VENTA] ", "[SERVICE] ", "Re: "]))
    doc.t(rng.choice(["Fresh CC dumps 101/201 with pin", "Fullz USA + DL",
                      "Cuentas bancarias GT/SV verificadas",
                      "Socks5 proxies LATAM", "Spam tools + SMTP", "Tarjetas clonadas 💳",
                      "Bank logs",
                      "Cuentas de Netflix y Spotify"]) + "\n")
    doc.t(rng.choice(["Vouched seller. Escrow OK.\n", "Precios en el menú.\n", "No time wasters.\n",
                      ""]))
    for _ in range(rng.randrange(1, 5)):
        r = rng.random()
        if r < .25:  # proxy list
            for _ in range(rng.randrange(2, 6)):
                ip = cv.ipv4_value(rng, public=True)
                port = rng.choice(["1080", "8080", "3128", "4145"])
                doc.f(cv.Frag(f"{ip}:{port}").add("ipv4", ip, 0, len(ip)))
                doc.t("\n")
        elif r < .4:
            doc.t(rng.choice(["MD5 of the tool: ", "file hash: ", "SHA1 "]))
            if rng.random() < .6:
                digest = cv.md5_hex(rng, start1=rng.random() < .5)
            else:
                digest = cv.sha1_hex(rng)
            doc.f(cv.noise(digest, "hash"))
            doc.t("\n")
        else:
            fill(g, doc, rng.choice(["Contact: {profile}", "Jabber: {email}", "BTC: {btc}",
                                     "XMR: {xmr}",
                                     "USDT TRC20 {trx}", "tg {profile} or {email}",
                                     "Price {p}, pay to {wallet}",
                                     "Backup channel {profile}", "Mirror: {url}", "ICQ 7{noise}",
                                     "Support 24/7 {wa}"]), lang)
            doc.t("\n")
    doc.t("\n")


def _crlf(rng: random.Random) -> str:
    return "\r\n" if rng.random() < .3 else "\n"


def email(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    nl = _crlf(rng)
    es = lang == "es"
    name = rng.choice(cw.NAMES_ES if es else cw.NAMES_EN)
    doc.t(f"From: {name} <").f(cl.email(rng)).t(">" + nl)
    doc.t("To: ").f(cl.email(rng)).t(nl)
    if rng.random() < .3:
        doc.t("Cc: ").f(cl.email(rng)).t(", ").f(cl.email(rng)).t(nl)
    y, mo, d, h, mi, s = _when(rng)
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    doc.t(f"Date: {rng.choice(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])}, {d} {month[mo - 1]} "
          f"{y} {h:02d}:{mi:02d}:{s:02d} -0600{nl}")
    if rng.random() < .3:
        doc.t("X-Originating-IP: [").f(cv.ipv4(rng) if rng.random() < .8 else cv.ipv6(rng))
        doc.t("]" + nl)
    kind = rng.randrange(4)
    subjects = (["Su cuenta ha sido suspendida", "Pago pendiente", "Cotización", "URGENTE: renta",
                 "Comprobante de depósito"] if es else
                ["Your account is suspended", "Invoice overdue", "Quote", "URGENT",
                 "Payment receipt"])
    doc.t(f"Subject: {subjects[kind] if kind < 4 else subjects[0]}{nl}{nl}")
    greeting = rng.choice(["Estimado cliente,", "Buenas tardes,",
                           "Hola,"] if es else ["Dear customer,", "Hi,"])
    doc.t(greeting + nl + nl)
    for _ in range(rng.randrange(2, 6)):
        if rng.random() < .5:
            fill(g, doc, pick(rng, SEL_ES if es else SEL_EN), lang)
        else:
            doc.t(rng.choice(
                ["Por motivos de seguridad debe actualizar sus datos.",
                 "Adjunto la cotización solicitada.",
                 "Tiene 24 horas o su cuenta será bloqueada.", "Quedo atento a sus comentarios.",
                 "Si no paga la renta ya sabe lo que pasa.",
                 "Favor confirmar de recibido."] if es else
                ["For security reasons, please verify your information.",
                 "Please find the invoice attached.",
                 "You have 24 hours or the account will be closed.",
                 "Looking forward to your reply."]))
            if rng.random() < .3:
                doc.t(" ")
                doc.f(cw.distractor(rng, g.region, lang, g.wallets))
        doc.t(nl)
    doc.t(nl + rng.choice(["Atentamente,", "Saludos,", "Regards,", "--"]) + nl + name + nl)
    if rng.random() < .6:
        fill(g, doc, rng.choice(["Tel. {phone} | {url}", "Cel. {phone}", "{phone} / {phone}",
                                 "{url}",
                                 "Tel: {phone} Ext. 204"]), lang)
        doc.t(nl)
    doc.t(nl)


def price_list(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    es = lang == "es"
    title = rng.choice(["🔥MENÚ DEL DÍA🔥", "*LISTA DE PRECIOS*", "📋 Menú", "🔌 MENU 🔌",
                        "PRECIOS ACTUALIZADOS"])
    if title.startswith("🔌"):  # the DEA's "plug" (dealer) code, twice
        plug = cv.Frag(title).add("drug_term", "🔌", 0, 1, category="dealer", lang="emoji")
        doc.f(plug.add("drug_term", "🔌", len(title) - 1, len(title), category="dealer",
                       lang="emoji")).t("\n")
    else:
        doc.t(title + "\n")
    for _ in range(rng.randrange(3, 9)):
        term = cw.drug(rng, lang)
        emoji = cw.drug_emoji(rng, term.labels[0].extra["category"]) if rng.random() < .6 else None
        if emoji is not None:  # the code that goes with the drug: ❄️ perico, 🌲 mota
            doc.f(emoji).t(" ")
        doc.f(term).t(" ").f(cw.quantity(rng, lang))
        doc.t(rng.choice([" ........ ", " - ", ": ", " = ", " "]))
        doc.f(cv.noise(cw.amount_text(rng, g.region if es else "US"), "amount")).t("\n")
    doc.t(rng.choice(["Envíos a domicilio zona 1, 5, 10\n", "Delivery seguro 🛵\n",
                      "Envío gratis arriba de 2g\n",
                      "Free delivery over $100\n", ""]))
    fill(g, doc, rng.choice(["Pedidos al 📲 {phone}", "Pedidos {wa}", "Canal {profile}",
                             "Info {phone}",
                             "DM {profile}"]), lang)
    doc.t("\n")
    if rng.random() < .6:
        fill(g, doc, rng.choice(["Pago: efectivo, Tigo Money o USDT TRC20: {trx}",
                                 "Aceptamos BTC {btc}",
                                 "Pago cripto: {wallet}", "Cash App or BTC {btc}",
                                 "XMR {xmr}"]), lang)
        doc.t("\n")
    doc.t("\n")


def cdr(g: Gen, doc: Doc, lang: str) -> None:
    """A provider return pasted as text: subscriber data and CDR rows (MSISDN without +)."""
    rng = g.rng
    op = rng.choice(["Claro", "Tigo", "Movistar", "Altice", "ICE", "Liberty", "Digicel", "Viva"])
    oficio = f"MP-{rng.randrange(2023, 2027)}-{rng.randrange(1000, 99999)}"
    doc.t(f"Respuesta {op} - Oficio ").f(cv.noise(oficio, "order_number")).t("\n")
    own = g.region if g.region in cv.PHONE_PLANS else "GT"

    def msisdn() -> cv.Frag:
        country = own if rng.random() < .85 else rng.choice(["GT", "SV", "HN", "US", "MX"])
        nsn = g.phones.pick(rng, country)
        value = cv.e164(country, nsn)
        ccx = cv.PHONE_PLANS[country][0]
        if country == own:
            raw = rng.choice([ccx + nsn, ccx + nsn, nsn])
        else:
            raw = rng.choice(["00" + ccx + nsn, "+" + ccx + nsn])
        return cv.whole(raw, "phone", value, country=country)

    doc.t("MSISDN: ").f(msisdn()).t("\nIMSI: ").f(cv.imsi(rng, g.region))
    doc.t("\nIMEI: ").f(cv.imei(rng)).t("\n")
    doc.t("Titular: " + rng.choice(cw.NAMES_ES) + ", ")
    label, number = cw.national_id(rng, g.region)
    doc.t(label + " ").f(cv.noise(number, "national_id")).t("\n")
    sep = rng.choice([";", ",", "\t", " | "])
    doc.t(sep.join(["Fecha", "Hora", "Origen", "Destino", "Duración", "IMEI", "Celda"]) + "\n")
    imei_f = cv.imei(rng)
    for _ in range(rng.randrange(3, 15)):
        y, mo, d, h, mi, s = _when(rng)
        doc.f(cv.noise(f"{d:02d}/{mo:02d}/{y}",
                       "date")).t(sep).f(cv.noise(f"{h:02d}:{mi:02d}:{s:02d}", "time")).t(sep)
        doc.f(msisdn()).t(sep).f(msisdn()).t(sep)
        doc.f(cv.noise(f"00:{rng.randrange(60):02d}:{rng.randrange(60):02d}", "time")).t(sep)
        doc.f(imei_f if rng.random() < .8 else cv.imei(rng)).t(sep)
        mcc = {"GT": "704", "SV": "706", "HN": "708", "NI": "710", "CR": "712", "PA": "714",
               "DO": "370"}.get(g.region, "310")
        r = rng.randrange
        cell = f"{mcc}-0{r(1, 4)}-{r(1000, 9999)}-{r(10000, 99999)}"
        doc.f(cv.noise(cell, "cell_id")).t("\n")
    doc.t("\n")


def report(g: Gen, doc: Doc, lang: str) -> None:
    rng = g.rng
    number = f"{rng.randrange(2023, 2027)}-DEIC-{rng.randrange(100, 9999):04d}"
    doc.t("INFORME No. ").f(cv.noise(number, "order_number")).t("\n")
    doc.t("Se analizó el teléfono marca Samsung modelo ").f(cv.noise("SM-A135M", "model"))
    doc.t(", IMEI 1: ").f(cv.imei(rng)).t(", IMEI 2: ").f(cv.imei(rng)).t(", con número ")
    doc.f(cv.phone(rng, g.phones, g.region)).t(".\n")
    label, number = cw.national_id(rng, g.region)
    doc.t(f"Propietario: {rng.choice(cw.NAMES_ES)}, {label} ").f(cv.noise(number,
                                                                          "national_id")).t(".\n")
    for _ in range(rng.randrange(2, 6)):
        fill(g, doc, rng.choice([
            "Se identificó la cuenta {profile} asociada al número {phone}.",
            "El sospechoso utilizaba el correo {email} y la IP {ipv4}.",
            "Se recibieron transferencias a la dirección {wallet} entre el {noise} y el {noise}.",
            "En la conversación se ofrece {d} a {p}.", "Consta la URL {url} en el historial.",
            "El IMSI {imsi} corresponde a la línea {phone}.",
            "Se observa el enlace {nonprofile} (grupo).",
            "La víctima depositó {p} en la cuenta indicada.",
        ]), "es")
        doc.t(" ")
    doc.t("\n\n")


def weblog(g: Gen, doc: Doc, lang: str) -> None:
    """Web server access log lines (user agents carry IPv4-shaped version numbers)."""
    rng = g.rng
    for _ in range(rng.randrange(3, 12)):
        f = cv.ipv4(rng) if rng.random() < .85 else cv.ipv6(rng)
        if f.text != f.labels[0].value:  # no defanged or port forms in a log
            lab = f.labels[0]
            f = cv.whole(lab.value, lab.type, lab.value)
        y, mo, d, h, mi, s = _when(rng)
        month = ["Jan", "Feb", "Mar", "Apr"][mo % 4]
        doc.f(f).t(f" - - [{d:02d}/{month}/{y}:{h:02d}:{mi:02d}:{s:02d} -0600] ")
        method = rng.choice(["GET", "POST"])
        path = rng.choice(["/wp-login.php", "/login", "/api/v1/pay", "/", "/admin"])
        doc.t(f"\"{method} {path} HTTP/1.1\" {rng.choice([200, 302, 404, 500])} "
              f"{rng.randrange(200, 9000)} \"")
        if rng.random() < .4:
            doc.f(cl.web_url(rng) if rng.random() < .5 else cl.profile_link(rng))
        else:
            doc.t("-")
        doc.t("\" \"")
        ua = rng.randrange(6)
        if ua < 2:  # Chrome's reduced user agent: an IPv4-shaped version
            doc.t("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/")
            doc.f(cv.noise(f"{rng.randrange(110, 131)}.0.0.0", "version")).t(" Safari/537.36")
        elif ua == 2:  # WhatsApp's link preview fetcher
            r = rng.randrange
            doc.t("WhatsApp/").f(cv.noise(f"2.{r(21, 25)}.{r(1, 26)}.{r(0, 90)}", "version"))
            doc.t(" A")
        elif ua == 3:
            doc.t(f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{rng.randrange(1, 6)} like Mac OS X) "
                  f"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{rng.randrange(1, 6)} "
                  "Mobile/15E148 Safari/604.1")
        elif ua == 4:
            doc.t(f"Mozilla/5.0 (X11; Linux x86_64; rv:{rng.randrange(115, 128)}.0) Gecko/20100101 "
                  f"Firefox/{rng.randrange(115, 128)}.0")
        else:
            doc.t(f"curl/8.{rng.randrange(0, 9)}.{rng.randrange(0, 2)}")
        doc.t("\"\n")
    doc.t("\n")


def notes(g: Gen, doc: Doc, lang: str) -> None:
    """Free notes: a contact list or a to-do pasted into a chat."""
    rng = g.rng
    doc.t("Contactos:\n" if lang == "es" else "Contacts:\n")
    for _ in range(rng.randrange(3, 10)):
        doc.t(rng.choice(cw.NAMES_ES if lang == "es" else cw.NAMES_EN) + rng.choice([": ", " - ",
                                                                                     " "]))
        fill(g, doc, rng.choice(["{phone}", "{phone}", "{phone} / {email}", "{email}", "{profile}",
                                 "{phone} ({noise})"]), lang)
        doc.t("\n")
    doc.t("\n")
