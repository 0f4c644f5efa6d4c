"""Writing the boards' one setting: whether the office has made a board public (audited, in one
transaction). The arena board needs no switch: its published months are public."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.scoreboard.boards import SWITCHABLE, TITLES
from pingyi.scoreboard.errors import InvalidInput
from pingyi.scoreboard.models import BoardSetting


@transaction.atomic
def set_public(*, key: str, public: bool, actor: str | None = None) -> BoardSetting:
    """Make board ``key`` public (shown with no sign-in) or the office's only."""
    if key not in SWITCHABLE:
        raise InvalidInput(
            _("No board %(key)s can be made public; the boards are: %(boards)s.")
            % {"key": key, "boards": ", ".join(SWITCHABLE)}
        )
    setting, _created = BoardSetting.objects.select_for_update().get_or_create(key=key)
    if setting.public != public:
        setting.public = public
        setting.save(update_fields=["public", "updated_at"])
        audit_log(
            actor=actor,
            action="scoreboard.board.published" if public else "scoreboard.board.withdrawn",
            target=f"board:{key}",
            data={"title": str(TITLES[key])},
        )
    return setting
