"""The Chinese font of every PDF pingyi makes (ballot cards, the meeting's report, the
督办单, the weekly bulletin).

Chinese text needs a TrueType font that reportlab can embed (not OpenType/CFF, which is
what Debian's ``fonts-noto-cjk`` ships): :func:`cjk_font` finds one (``PINGYI_PDF_FONT``
or the usual Debian paths) and :class:`PdfFontMissing` names the package to install.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont


class PdfFontMissing(RuntimeError):
    """No usable Chinese TrueType font: the message says what to install or set."""


FONT_ENV = "PINGYI_PDF_FONT"
FONT_NAME = "PingyiCJK"
FONT_PACKAGE = "fonts-wqy-microhei"
#: TrueType fonts with Chinese glyphs, as Debian packages install them (first found wins).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora / RHEL
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)
def locate_font() -> Path:
    """The TrueType font file to embed: ``PINGYI_PDF_FONT``, else the first Debian candidate
    that reportlab can read. Raises :class:`PdfFontMissing` saying what to install or set."""
    configured = os.environ.get(FONT_ENV, "").strip()
    paths = [Path(configured)] if configured else [Path(p) for p in FONT_CANDIDATES]
    problems: list[str] = []
    for path in paths:
        if not path.is_file():
            continue
        try:
            TTFont("PingyiProbe", str(path), subfontIndex=0)
        except (TTFError, OSError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        return path
    if configured:
        detail = "; ".join(problems) or _("%(path)s: no such file") % {"path": configured}
        raise PdfFontMissing(
            _(
                "%(env)s names a font that cannot be embedded in a PDF (%(detail)s). Point it "
                "at a TrueType .ttf or .ttc font with Chinese glyphs (OpenType/CFF fonts such as "
                "Noto CJK cannot be embedded), or unset it and install the Debian package "
                "%(package)s."
            )
            % {"env": FONT_ENV, "detail": detail, "package": FONT_PACKAGE}
        )
    raise PdfFontMissing(
        _(
            "No Chinese TrueType font was found for PDF output. Install the Debian package "
            "%(package)s (apt-get install %(package)s), or set %(env)s to the path of a "
            "TrueType .ttf or .ttc font with Chinese glyphs."
        )
        % {"package": FONT_PACKAGE, "env": FONT_ENV}
    )


def cjk_font() -> str:
    """Register (once per process) and return the name of a font that renders Chinese."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = locate_font()
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    # One face serves every style: <b> in a paragraph must not fall back to Helvetica.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
    return FONT_NAME
