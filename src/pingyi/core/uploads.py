"""Uploads checked by content, never by name or by what the browser says: one home for the
appraisal's slides and supervision's attachments.

:func:`sniff` reads the first bytes (and, for Office files, the zip's member names — never
their contents, so a zip bomb is not unpacked) and returns the real type, or ``None`` when
the bytes are none of the allowed types. :func:`safe_filename` makes a name safe on any
file system and in a header, with the sniffed extension. The callers say the size cap and
word their own refusals.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: the extension each type is stored and served with
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx"}
#: the Office Open XML types by the folder their main part lives in
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _zip_type(fh: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(fh) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        fh.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    # a macro-enabled file (vbaProject.bin) is not the Office type it pretends to be
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    for folder, content_type in _OOXML.items():
        if any(n.startswith(folder) for n in names):
            return content_type
    return None


def sniff(fh: IO[bytes], allowed: Collection[str]) -> Sniffed | None:
    """The real type of an upload among ``allowed`` (content types above), from its bytes."""
    fh.seek(0)
    head = fh.read(8)
    fh.seek(0)
    found: str | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04") and any(t in allowed for t in _OOXML.values()):
        found = _zip_type(fh)
    if found is None or found not in allowed:
        return None
    return Sniffed(found, EXTENSIONS[found])


def safe_filename(name: str, extension: str, default: str = "file") -> str:
    """A name that is safe on any file system and in a header: letters (Chinese too),
    digits, dot, dash, underscore; no path; the sniffed extension."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem = re.sub(r"[^\w.\-]+", "_", stem, flags=re.UNICODE).strip("._")[:80] or default
    return f"{stem}.{extension}"
