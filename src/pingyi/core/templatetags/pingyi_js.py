"""``{% js_module "pingyi/ballot.js" %}``: a page's scripts, the one way pages load them.

It writes the entry as ``<script type="module">`` (CSP ``script-src 'self'``: no inline
script), a ``<link rel="modulepreload">`` for every module the entry imports, and the
translations those modules use as the JSON data island ``#i18n`` (see ``pingyi/core/js.py``
and ``shared/i18n.js``).
"""

from __future__ import annotations

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pingyi.core import js

register = template.Library()

#: As Django's json_script: the JSON may not close the <script> element nor open a comment.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def js_module(entry: str) -> SafeString:
    files = js.module_files(entry)
    preload = format_html_join(
        "\n", '<link rel="modulepreload" href="{}">', ((static(name),) for name in files[1:])
    )
    # Unicode as it is (not \\u escapes): the Chinese catalogue is half the bytes this way.
    data = json.dumps(
        js.catalogue(entry), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    island = mark_safe(data.translate(_JSON_ESCAPES))  # noqa: S308  # nosec B308 B703 # escaped just above
    return format_html(
        '{}{}<script type="module" src="{}"></script>\n'
        '<script type="application/json" id="i18n">{}</script>',
        preload,
        "\n" if files[1:] else "",
        static(entry),
        island,
    )
