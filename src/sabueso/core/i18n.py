"""Translations through gettext catalogues (Spanish first, English complete).

Message ids are stable keys (``error.case_not_found``); both catalogues translate every key.
Sources are ``locale/<lang>/LC_MESSAGES/<domain>.po``: ``sabueso.po`` for the core and one
domain per capability (``telephony.po``, ``requests.po``, ``capture.po``), so each capability
keeps its own messages; keys are unique across domains. The compiled ``.mo`` files beside them
are what runs (``make i18n`` rebuilds them; a test checks they match the sources).
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from importlib import resources
from typing import Any

from sabueso.core.config import current_language

DOMAIN = "sabueso"


@lru_cache(maxsize=4)
def _catalog(lang: str) -> gettext.NullTranslations:
    """The core catalogue of ``lang`` with every capability's catalogue chained behind it."""
    folder = resources.files("sabueso").joinpath("locale", lang, "LC_MESSAGES")
    names = sorted((entry.name for entry in folder.iterdir() if entry.name.endswith(".mo")),
                   key=lambda name: (name != f"{DOMAIN}.mo", name)) if folder.is_dir() else []
    domains: list[gettext.NullTranslations] = []
    for name in names:
        with folder.joinpath(name).open("rb") as fh:
            domains.append(gettext.GNUTranslations(fh))
    if not domains:
        return gettext.NullTranslations()
    for domain in domains[1:]:
        domains[0].add_fallback(domain)
    return domains[0]


def t(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The message for ``key`` in ``lang`` (default: SABUESO_LANG), filled with ``params``."""
    text = _catalog(lang or current_language()).gettext(key)
    if text == key and (lang or current_language()) != "en":
        text = _catalog("en").gettext(key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text + " " + repr(params)
    return text
