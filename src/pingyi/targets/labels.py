"""The statuses' words and colours, for the page and the command line (one place)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pingyi.targets.method.progress import Status

STATUS_LABELS = {
    Status.DONE: _("done (已完成)"),
    Status.AHEAD: _("ahead of schedule (超进度)"),
    Status.ON_SCHEDULE: _("on schedule (达进度)"),
    Status.BEHIND: _("behind schedule (欠进度)"),
    Status.NO_DATA: _("no data"),
}
#: the colour of each status (pingyi.css), always beside its word
STATUS_CLASSES = {
    Status.DONE: "status-done",
    Status.AHEAD: "status-on_track",
    Status.ON_SCHEDULE: "status-due_soon",
    Status.BEHIND: "status-overdue",
    Status.NO_DATA: "",
}
