"""Demo accounts: one per role, two unit liaisons (of the demo units ``hualong`` and ``fgw``).

Loading twice changes nothing. Runs after the orgs' demo loader (``demo_order``), whose units
the liaisons belong to.
"""

from __future__ import annotations

from pingyi.accounts.models import Role, User
from pingyi.orgs.models import Unit

DEMO_PASSWORD = "Pingyi-demo-2026"  # noqa: S105  # nosec B105 # published demo sign-in, demo data only

DEMO_ACCOUNTS: list[tuple[str, str, str | None]] = [
    ("office", Role.OFFICE, None),
    ("leader", Role.LEADER, None),
    ("viewer", Role.VIEWER, None),
    ("hualong", Role.UNIT, "hualong"),
    ("fgw", Role.UNIT, "fgw"),
]
DEMO_NAMES = {
    "office": "活动办 王晓",
    "leader": "市领导 李明",
    "viewer": "观察员 赵静",
    "hualong": "华龙区 联络员",
    "fgw": "市发展改革委 联络员",
}


def load_demo_accounts() -> str:
    for username, role, unit_code in DEMO_ACCOUNTS:
        user, new = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "unit": Unit.objects.get(code=unit_code) if unit_code else None,
                "display_name": DEMO_NAMES[username],
            },
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
    return f"{len(DEMO_ACCOUNTS)} accounts"
