"""Work-report slides (PPT述职): uploads checked by content, size and name."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.appraisal.errors import SlidesError
from pingyi.appraisal.models import Event, Presentation, require_before_close
from pingyi.core import uploads
from pingyi.core.audit import audit_log
from pingyi.core.uploads import PDF, PPTX, Sniffed, sniff

EXTENSIONS = {PDF: "pdf", PPTX: "pptx"}
SLIDES_CLOSED = gettext_lazy("Slides can be changed only before voting closes.")


def sniff_slides(fh: IO[bytes]) -> Sniffed:
    """The real type of an upload, from its bytes (never from its name or the browser)."""
    sniffed = sniff(fh, (PDF, PPTX))
    if sniffed is None:
        raise SlidesError(_("Slides must be a PDF or a PowerPoint (.pptx) file."))
    return sniffed


def safe_filename(name: str, extension: str) -> str:
    """A name safe on any file system and in a header (core/uploads.py)."""
    return uploads.safe_filename(name, extension, default="slides")


@transaction.atomic
def slides_upload(
    *, event: Event, track: str, unit: str, upload: File, actor: str | None = None
) -> Presentation:
    """Store ``upload`` as the slides of ``unit`` in ``track``: only while the event is a draft
    or open (checked on the event's row, locked: the caller's copy may be stale)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    require_before_close(event, str(SLIDES_CLOSED))
    spec = event.spec
    track_spec = spec.track(track)
    if track_spec is None or track_spec.unit(unit) is None:
        raise SlidesError(
            _("Event “%(event)s” has no unit “%(unit)s” in track “%(track)s”.")
            % {"event": event.key, "unit": unit, "track": track}
        )
    limit = settings.PINGYI_SLIDES_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise SlidesError(
            _("The file is %(size)d MB; slides may be at most %(limit)d MB.")
            % {"size": upload.size // 2**20, "limit": limit // 2**20}
        )
    if upload.file is None:
        raise SlidesError(_("The upload is empty."))
    sniffed = sniff_slides(upload.file)
    presentation, _created = Presentation.objects.get_or_create(
        event=event,
        track=track,
        unit=unit,
        defaults={"order": [u.key for u in track_spec.units].index(unit) + 1},
    )
    if presentation.slides:
        presentation.slides.delete(save=False)
    name = safe_filename(upload.name or "slides", sniffed.extension)
    presentation.slides.save(f"{event.key}/{track}/{unit}/{name}", upload, save=True)
    audit_log(
        actor=actor,
        action="appraisal.slides.uploaded",
        target=f"event:{event.key}",
        data={"track": track, "unit": unit, "file": name},
    )
    return presentation
