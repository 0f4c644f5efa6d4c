"""Translation indirection for the pure appraisal core.

The core never imports Django.  Messages are written as English msgids with
``%(name)s`` placeholders (Django's convention) and passed through :func:`gettext`.
When Django is already loaded *and* configured (the web server), the message is
translated with ``django.utils.translation.gettext`` into the active language;
otherwise (command line, tests) the English source string is returned unchanged.
"""

from __future__ import annotations

import sys


def gettext(message: str) -> str:
    """Translate ``message`` with Django if Django is running, else return it as is.

    Django is never imported from here: it is used only when ``django.conf`` is
    already in ``sys.modules`` (so the command line stays Django-free).
    """
    if "django.conf" not in sys.modules:
        return message
    try:
        from django.conf import settings  # noqa: PLC0415 (Django only when it is already running)

        if not settings.configured:
            return message
        from django.utils.translation import gettext as django_gettext  # noqa: PLC0415 (Django only when it is already running)

        return str(django_gettext(message))
    except Exception:  # any Django set-up problem: fall back to the source string
        return message


def pgettext(context: str, message: str) -> str:
    """:func:`gettext` with a context (``msgctxt``), for a message that needs one."""
    if "django.conf" not in sys.modules:
        return message
    try:
        from django.conf import settings  # noqa: PLC0415 (Django only when it is already running)

        if not settings.configured:
            return message
        from django.utils.translation import pgettext as django_pgettext  # noqa: PLC0415 (Django only when it is already running)

        return str(django_pgettext(context, message))
    except Exception:  # any Django set-up problem: fall back to the source string
        return message


_ = gettext

__all__ = ["_", "gettext", "pgettext"]
