"""Translations through gettext catalogues (Spanish first, English complete).

Message ids are stable keys (``error.case_not_found``); both catalogues translate every key.
Sources are ``locale/<lang>/LC_MESSAGES/sabueso.po``; the compiled ``.mo`` files beside them
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
    locale_dir = resources.files("sabueso").joinpath("locale")
    mo = locale_dir.joinpath(lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except FileNotFoundError:
        return gettext.NullTranslations()


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
