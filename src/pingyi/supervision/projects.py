"""The project pipeline's projects (三个一批, ``pingyi.pipeline``) supervised like any item
(SUPERVISION.md: "A project past its planned start or production date without it is
`lagging` and gets a yellow notice like any item").

Each project is mirrored as an item of the list ``pipeline`` (三个一批项目, kind custom, no
report cadence): its unit leads it, its deadline is ongoing (so it is never overdue: a
project lags, it is not red), and its planned 开工 and 投产 dates are its milestones, done on
the actual dates. The status rule then makes it ``lagging`` exactly when a planned date
passed without the stage — the pipeline's own rule (``pipeline/method/funnel.py``) — and the
sweep issues, reminds and resolves its yellow notice as for any item. The mirror is brought
up to date at the start of every sweep, in the sweep's transaction.
"""

from __future__ import annotations

from datetime import date

from pingyi.pipeline.selectors import all_projects
from pingyi.supervision.models import (
    Cadence,
    DeadlineKind,
    Item,
    ListKind,
    Milestone,
    SupervisionList,
)

LIST_KEY = "pipeline"
LIST_NAME = "三个一批项目"
#: the milestones of a project, in order: (text, planned field, actual field)
STAGES = (("开工", "planned_started", "started"), ("投产", "planned_producing", "producing"))


def _number(project: object) -> str:
    return f"{project.batch}-{project.pk}"  # type: ignore[attr-defined]


def sync_projects(day: date) -> int:
    """Bring the mirror up to date with the pipeline; returns how many items changed. A
    project removed from the pipeline keeps its item (and its notices' history) but no
    longer has milestones to miss."""
    projects = list(all_projects())
    if not projects and not SupervisionList.objects.filter(key=LIST_KEY).exists():
        return 0
    the_list, _ = SupervisionList.objects.get_or_create(
        key=LIST_KEY,
        defaults={
            "kind": ListKind.CUSTOM,
            "name": LIST_NAME,
            "year": day.year,
            "cadence": Cadence.NONE,
            "assigned_on": min((p.planned_signed or p.planned_started or day) for p in projects)
            if projects
            else day,
            "source_file": "pipeline",
        },
    )
    existing = {i.number: i for i in the_list.items.prefetch_related("milestones")}
    changed = 0
    seen = set()
    for position, project in enumerate(projects):
        number = _number(project)
        seen.add(number)
        fields = {
            "position": position,
            "category": project.batch,
            "title": project.name,
            "lead_unit_id": project.unit_id,
            "kind": DeadlineKind.ONGOING,
            "deadline_text": "按计划开工、投产",
            "deadline": {"kind": "ongoing", "due": None, "every": None, "milestones": [],
                         "warnings": []},
            "start": project.planned_signed or project.planned_started,
        }
        item = existing.get(number)
        if item is None:
            item = Item.objects.create(supervision_list=the_list, number=number, **fields)
            changed += 1
        elif any(getattr(item, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(item, k, v)
            item.save()
            changed += 1
        wanted = sorted(
            (
                (text, getattr(project, planned), getattr(project, actual))
                for text, planned, actual in STAGES
                if getattr(project, planned) is not None
            ),
            key=lambda m: m[1],
        )
        have = [(m.text, m.due, m.done_on) for m in item.milestones.all()]
        if have != wanted:
            item.milestones.all().delete()
            Milestone.objects.bulk_create(
                [Milestone(item=item, text=t, due=d, done_on=a) for t, d, a in wanted]
            )
            changed += 1
    for number, item in existing.items():
        if number not in seen and item.milestones.exists():
            item.milestones.all().delete()
            changed += 1
    return changed
