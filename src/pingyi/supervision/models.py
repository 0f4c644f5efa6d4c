"""The three lists (三个清单) and their items, with what happens to an item: reports,
extensions, closure; and the office's working-day overrides.

Slim models: the rules are in :mod:`pingyi.supervision.method` (deadlines, working days,
statuses), the writes in ``services.py``, the reads in ``selectors.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ListKind(models.TextChoices):
    TASKS = "tasks", _("Key tasks")
    PROBLEMS = "problems", _("Important problems")
    REFORMS = "reforms", _("Major reforms")
    CUSTOM = "custom", _("Custom list")


class Cadence(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    NONE = "none", _("No fixed cadence")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("By a date")
    RECURRING = "recurring", _("Recurring")
    ONGOING = "ongoing", _("Ongoing")
    IMMEDIATE = "immediate", _("Immediately")
    UNKNOWN = "unknown", _("To confirm")


class Every(models.TextChoices):
    WEEK = "week", _("every week")
    MONTH = "month", _("every month")
    QUARTER = "quarter", _("every quarter")
    HALF = "half", _("every half year")


class SupervisionList(models.Model):
    """A list of items (清单) as the office received it: one Excel sheet, one document."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ListKind.choices)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    cadence = models.CharField(
        _("report cadence"), max_length=10, choices=Cadence.choices, default=Cadence.WEEK
    )
    assigned_on = models.DateField(_("assigned on"))
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "key"]
        verbose_name = _("supervision list")
        verbose_name_plural = _("supervision lists")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """An item (事项) of a list, with its deadline as written and as understood."""

    supervision_list = models.ForeignKey(
        SupervisionList, on_delete=models.CASCADE, related_name="items", verbose_name=_("list")
    )
    number = models.CharField(_("number"), max_length=40)
    position = models.PositiveIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=200, blank=True)
    title = models.TextField(_("title"))
    requirement = models.TextField(_("requirement"), blank=True)
    lead_unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="led_items", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(
        "orgs.Unit", related_name="co_items", blank=True, verbose_name=_("co-units")
    )
    leader = models.CharField(_("leader in charge"), max_length=200, blank=True)
    deadline_text = models.TextField(_("deadline as written"), blank=True)
    #: the deadline parser's output (pingyi.supervision.method.deadline, ``to_json``)
    deadline = models.JSONField(_("deadline"), default=dict)
    due = models.DateField(_("due"), null=True, blank=True)
    kind = models.CharField(
        _("deadline kind"),
        max_length=10,
        choices=DeadlineKind.choices,
        default=DeadlineKind.UNKNOWN,
    )
    every = models.CharField(_("every"), max_length=10, choices=Every.choices, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    raw_cells = models.JSONField(_("cells as read"), default=dict, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["supervision_list", "position", "id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(
                fields=["supervision_list", "number"], name="supervision_item_number_unique"
            )
        ]
        indexes = [models.Index(fields=["due"], name="supervision_item_due")]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:40]}"


class Milestone(models.Model):
    """A dated stage of an item (①…②…), from its deadline cell."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("item")
    )
    text = models.TextField(_("text"))
    due = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["item", "due", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.text


class ReportState(models.TextChoices):
    PENDING = "pending", _("Awaiting the office")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Rating(models.TextChoices):
    GOOD = "好", _("Good")
    FAIRLY_GOOD = "较好", _("Fairly good")
    FAIR = "一般", _("Fair")
    POOR = "差", _("Poor")


class Report(models.Model):
    """A unit's progress report (进展报告) on an item, as of a day."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="reports", verbose_name=_("item")
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=40, blank=True)
    reported_on = models.DateField(_("report date"))
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done_text = models.TextField(_("what was done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.PENDING
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    rating = models.CharField(_("rating"), max_length=4, choices=Rating.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.CharField(_("commented by"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["item", "reported_on", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100),
                name="supervision_report_percent_0_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.percent}%"


class DecisionState(models.TextChoices):
    PENDING = "pending", _("Awaiting the office")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """An extension request (延期申请) and the office's decision."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("item")
    )
    reason = models.TextField(_("reason"))
    progress = models.TextField(_("progress so far"), blank=True)
    proposed_due = models.DateField(_("proposed date"))
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.PENDING
    )
    approved_due = models.DateField(_("approved date"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    requested_on = models.DateField(_("requested on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.proposed_due} ({self.state})"


class ClosureState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


class VerifyMethod(models.TextChoices):
    DOCUMENTS = "资料", _("Documents")
    PHONE = "电话", _("Phone")
    ON_SITE = "现场", _("On site")


class Closure(models.Model):
    """An application for closure (申请办结) and the office's verification (核实)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="closures", verbose_name=_("item")
    )
    evidence = models.TextField(_("evidence"))
    state = models.CharField(
        _("state"), max_length=10, choices=ClosureState.choices, default=ClosureState.PENDING
    )
    method = models.CharField(
        _("verified by"), max_length=4, choices=VerifyMethod.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    applied_on = models.DateField(_("applied on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return f"{self.applied_on} ({self.state})"


class WorkdayOverride(models.Model):
    """The office's word on one day (a holiday or make-up working day the official calendar
    does not know yet): fed into :class:`pingyi.supervision.method.workdays.WorkingDays`."""

    day = models.DateField(_("day"), unique=True)
    working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self) -> str:
        return f"{self.day} {'+' if self.working else '-'}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # under the data folder's uploads (MEDIA_ROOT): supervision/<list>/<item id>/<name>
    return f"supervision/{instance.item.supervision_list.key}/{instance.item_id}/{filename}"


class Attachment(models.Model):
    """A file a unit attached to a progress report or to an application for closure, its type
    checked by content (``pingyi.core.uploads``); served only as a download."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("item")
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("progress report"),
    )
    closure = models.ForeignKey(
        Closure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("closure"),
    )
    reply = models.ForeignKey(
        "NoticeReply",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("reply to a notice"),
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(report__isnull=False)
                    & models.Q(closure__isnull=True)
                    & models.Q(reply__isnull=True)
                )
                | (
                    models.Q(report__isnull=True)
                    & models.Q(closure__isnull=False)
                    & models.Q(reply__isnull=True)
                )
                | (
                    models.Q(report__isnull=True)
                    & models.Q(closure__isnull=True)
                    & models.Q(reply__isnull=False)
                ),
                name="supervision_attachment_one_owner_of_three",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- notices (督办单) ------------------------------------------------------------------------


class NoticeColour(models.TextChoices):
    BLUE = "blue", _("Reminder (提醒)")
    YELLOW = "yellow", _("Urging (催办)")
    RED = "red", _("Supervision notice (督办单)")


class CloseReason(models.TextChoices):
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")


class Notice(models.Model):
    """A supervision notice on an item, issued by the daily sweep
    (:mod:`pingyi.supervision.method.escalation`): blue 提醒, yellow 催办, or red 督办单 with
    its number (督〔YYYY〕N号), acknowledgement (签收) and written reply."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="notices", verbose_name=_("item")
    )
    colour = models.CharField(_("colour"), max_length=6, choices=NoticeColour.choices)
    #: the order of issue: sweeps issue in order (list, item number, colour)
    issued_on = models.DateField(_("issued on"))
    #: the item's effective due when issued (a blue notice is one per item and due date)
    due_on = models.DateField(_("due"), null=True, blank=True)
    #: the units it was addressed to, in order (lead unit first): unit codes as issued
    unit_codes = models.JSONField(_("units"), default=list)
    units = models.ManyToManyField(
        "orgs.Unit", related_name="notices", blank=True, verbose_name=_("units addressed")
    )
    leader = models.CharField(_("leader in charge"), max_length=200, blank=True)
    #: red only: year and serial of 督〔year〕serial号
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    demand = models.TextField(_("demand"), blank=True)
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    reply_by = models.DateField(_("reply due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveIntegerField(_("reminders"), default=0)
    censured_on = models.DateField(_("censured (通报) on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed as"), max_length=10, choices=CloseReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="supervision_notice_number_unique",
            ),
            # at most one open notice of a colour per item, whoever sweeps at once
            models.UniqueConstraint(
                fields=["item", "colour"],
                condition=models.Q(closed_on__isnull=True),
                name="supervision_notice_one_open_per_colour",
            ),
        ]
        indexes = [models.Index(fields=["closed_on", "colour"], name="supervision_notice_open")]

    def __str__(self) -> str:
        return self.number or f"{self.colour} {self.issued_on}"

    @property
    def number(self) -> str | None:
        """督〔2026〕12号 for a red notice, else None."""
        if self.serial is None:
            return None
        return f"督〔{self.year}〕{self.serial}号"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReplyState(models.TextChoices):
    PENDING = "pending", _("Awaiting the office")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class NoticeReply(models.Model):
    """A unit's written reply to a red notice; the office accepts or returns it."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="replies", verbose_name=_("notice")
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    text = models.TextField(_("reply"))
    replied_on = models.DateField(_("replied on"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReplyState.choices, default=ReplyState.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["notice", "created_at", "id"]
        verbose_name = _("reply to a notice")
        verbose_name_plural = _("replies to notices")

    def __str__(self) -> str:
        return f"{self.replied_on} {self.get_state_display()}"


class Sweep(models.Model):
    """One day's sweep (the day it judged), with what it did."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("sweep")
        verbose_name_plural = _("sweeps")

    def __str__(self) -> str:
        return str(self.day)


# --- the weekly cycle (周交办点评, 周通报): supervision/weekly.py, method/week.py ----------------


class WeekSheet(models.Model):
    """A week's assignment sheet (交办单): the items to push this ISO week, each with the
    office's demand, and the report deadline (default Friday 12:00 of the week). A draft
    until issued; issued, it is fixed and the lead units are told."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("week", "ISO year"))
    week = models.PositiveSmallIntegerField(pgettext_lazy("week", "ISO week"))
    deadline = models.DateTimeField(pgettext_lazy("week", "report deadline"))
    note = models.TextField(_("note"), blank=True)
    issued_at = models.DateTimeField(pgettext_lazy("week", "issued"), null=True, blank=True)
    issued_by = models.CharField(pgettext_lazy("week", "issued by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-week"]
        verbose_name = _("assignment sheet")
        verbose_name_plural = _("assignment sheets")
        constraints = [
            models.UniqueConstraint(fields=["year", "week"], name="supervision_weeksheet_week")
        ]

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


class WeekSheetItem(models.Model):
    """An item on a week's sheet, with what the office demands of it this week."""

    sheet = models.ForeignKey(
        WeekSheet, on_delete=models.CASCADE, related_name="entries", verbose_name=_("sheet")
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="week_entries", verbose_name=_("item")
    )
    demand = models.TextField(pgettext_lazy("week", "demand"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sheet", "position", "id"]
        verbose_name = _("item of an assignment sheet")
        verbose_name_plural = _("items of assignment sheets")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="supervision_weeksheet_item")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.item}"


class Bulletin(models.Model):
    """A week's bulletin (周通报): the numbers compiled into ``data`` (never edited by hand),
    the office's own text (intro, remarks), issued once; its .docx and PDF are made from
    these on demand, so an issued bulletin prints the same every time."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("week", "ISO year"))
    week = models.PositiveSmallIntegerField(pgettext_lazy("week", "ISO week"))
    #: the compiled snapshot, ``pingyi-bulletin/1`` (selectors_weekly.compile_bulletin)
    data = models.JSONField(_("compiled figures"), default=dict)
    compiled_at = models.DateTimeField(pgettext_lazy("week", "compiled"))
    intro = models.TextField(pgettext_lazy("week", "introduction"), blank=True)
    remarks = models.TextField(pgettext_lazy("week", "remarks"), blank=True)
    #: the words the archive searches: figures' names, comments, intro and remarks
    text = models.TextField(_("searchable text"), blank=True)
    issued_at = models.DateTimeField(pgettext_lazy("week", "issued"), null=True, blank=True)
    issued_by = models.CharField(pgettext_lazy("week", "issued by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-year", "-week"]
        verbose_name = _("weekly bulletin")
        verbose_name_plural = _("weekly bulletins")
        constraints = [
            models.UniqueConstraint(fields=["year", "week"], name="supervision_bulletin_week")
        ]

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


# --- the on-site office (现场办公会, 点办理、批处理) -------------------------------------------


class OnsiteMeeting(models.Model):
    """An on-site office meeting (现场办公会): when, where, who chaired and who attended; its
    problems (:class:`Problem`) become items of the year's important-problems list
    (``onsite.py``)."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    leader = models.CharField(_("chaired by"), max_length=100)
    #: the attendees as the minutes list them (names and units, one per line)
    attendees = models.TextField(_("attendees"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("on-site office meeting")
        verbose_name_plural = _("on-site office meetings")

    def __str__(self) -> str:
        return self.title


class ProblemBatch(models.Model):
    """One decision of the office for many similar problems (批处理): each member's item
    records it and is then tracked and closed on its own."""

    decision = models.TextField(_("decision"))
    decided_by = models.CharField(_("decided by"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("batch decision")
        verbose_name_plural = _("batch decisions")

    def __str__(self) -> str:
        return f"{self.decided_on} {self.decision[:30]}"


class Problem(models.Model):
    """A problem raised at an on-site office meeting, and the item it became."""

    meeting = models.ForeignKey(
        OnsiteMeeting, on_delete=models.CASCADE, related_name="problems", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("number"))
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    category = models.CharField(_("category"), max_length=100)
    description = models.TextField(_("problem"))
    decision = models.TextField(_("decision"), blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    deadline_text = models.CharField(_("deadline as written"), max_length=200, blank=True)
    item = models.OneToOneField(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("item"),
    )
    batch = models.ForeignKey(
        ProblemBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("batch decision"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="supervision_problem_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:40]}"
