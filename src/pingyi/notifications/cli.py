"""``pingyi channel add|test|list``: where a unit's, a leader's or the office's notifications
go (SUPERVISION.md, "Contracts").

- ``pingyi channel add wecom|dingtalk|feishu|email (--unit CODE | --leader NAME | --office)
  (--url WEBHOOK_URL [--secret S] | --to ADDRESS) [--label L]`` prints the channel, its
  address masked, and last its id alone on a line.
- ``pingyi channel test ID`` sends a test message now and prints what happened; exit 1 on a
  failure, with the robot's answer.
- ``pingyi channel list``: every channel, one per line (id, kind, for whom, address masked,
  on/off).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pingyi.core.commandline import CliError, DjangoSetup

_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None] | None = None,
) -> None:
    if django_setup is not None:
        _setup.bind(django_setup)
    channel = verbs.add_parser(
        "channel", help="notification channels: chat robots and e-mail (通知渠道)"
    ).add_subparsers(dest="channel_verb", metavar="VERB", required=True)
    p = channel.add_parser(
        "add",
        help="where a unit's, a leader's or the office's notifications go",
        description=(
            "The webhook URL exactly as the chat app gives it (WeCom: …/cgi-bin/webhook/send"
            "?key=…; DingTalk: …/robot/send?access_token=…; Feishu/Lark: …/open-apis/bot/v2"
            "/hook/…), with the robot's signing secret (DingTalk 加签 SEC…, Feishu 签名校验) if "
            "it has one; or an e-mail address. Prints the channel id last."
        ),
    )
    p.add_argument("kind", choices=["wecom", "dingtalk", "feishu", "email"])
    owner = p.add_mutually_exclusive_group(required=True)
    owner.add_argument("--unit", metavar="CODE", help="a unit's channel (its code)")
    owner.add_argument("--leader", metavar="NAME", help="a leader's (as written in 责任领导)")
    owner.add_argument("--office", action="store_true", help="the office's")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", metavar="WEBHOOK_URL", help="a chat robot's webhook URL")
    where.add_argument("--to", metavar="ADDRESS", help="an e-mail address")
    p.add_argument("--secret", metavar="S", default="", help="the robot's signing secret")
    p.add_argument("--label", default="", help="a name for the channel (e.g. the group's)")
    p.set_defaults(func=cmd_channel_add)

    p = channel.add_parser("test", help="send a test message now; exit 1 if it fails")
    p.add_argument("id", help="the channel id (pingyi channel list)")
    p.set_defaults(func=cmd_channel_test)

    p = channel.add_parser("list", help="every channel, its address masked")
    p.set_defaults(func=cmd_channel_list)


def cmd_channel_add(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from rapidfuzz import process  # noqa: PLC0415 (only when a unit code is unknown)

    from pingyi.notifications.models import OwnerKind  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.notifications.services import NotificationError, Owner, channel_add  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.orgs.models import Unit  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    if args.unit is not None:
        unit = Unit.objects.filter(code=args.unit.strip()).first()
        if unit is None:
            codes = list(Unit.objects.values_list("code", flat=True))
            close = [c for c, _score, _i in process.extract(args.unit, codes, limit=3)]
            hint = (
                _("closest: %(codes)s") % {"codes": ", ".join(close)}
                if close
                else _("no unit exists yet: run `pingyi units import FILE.xlsx`")
            )
            raise CliError(
                _("unknown unit code %(code)s; %(hint)s") % {"code": args.unit, "hint": hint}
            )
        owner = Owner(OwnerKind.UNIT, unit=unit)
    elif args.leader is not None:
        owner = Owner(OwnerKind.LEADER, leader=args.leader)
    else:
        owner = Owner(OwnerKind.OFFICE)
    if args.kind == "email" and args.to is None:
        raise CliError(_("an e-mail channel needs --to ADDRESS"))
    if args.kind != "email" and args.url is None:
        raise CliError(_("a chat robot needs --url WEBHOOK_URL"))
    try:
        channel = channel_add(
            kind=args.kind,
            owner=owner,
            url=args.url or "",
            secret=args.secret,
            email=args.to or "",
            label=args.label,
        )
    except NotificationError as exc:
        raise CliError(exc.message) from None
    print(_line(channel))
    print(channel.pk)
    return 0


def _line(channel: object) -> str:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    c: object = channel
    state = _("on") if getattr(c, "enabled", False) else _("off")
    return "\t".join(
        [
            str(getattr(c, "pk", "")),
            str(getattr(c, "kind", "")),
            str(getattr(c, "owner_label", "")),
            str(getattr(c, "address", "")),
            state,
            str(getattr(c, "label", "")),
        ]
    ).rstrip("\t")


def _channel(raw: str) -> object:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.notifications.models import Channel  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    channel = (
        Channel.objects.select_related("unit").filter(pk=int(raw)).first()
        if raw.strip().isdigit() and len(raw.strip()) < 12
        else None
    )
    if channel is None:
        raise CliError(_("no channel %(id)s: `pingyi channel list` shows them") % {"id": raw[:40]})
    return channel


def cmd_channel_test(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.notifications.models import Channel  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.notifications.services import channel_test  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    channel = _channel(args.id)
    assert isinstance(channel, Channel)  # nosec B101 # type narrowing: _channel returns one
    outcome = channel_test(channel)
    if outcome.ok:
        print(
            _("sent: channel %(id)s (%(address)s) took the test message in %(ms)s ms")
            % {"id": channel.pk, "address": channel.address, "ms": outcome.duration_ms}
        )
        return 0
    print(
        _("failed: channel %(id)s (%(address)s): %(error)s")
        % {"id": channel.pk, "address": channel.address, "error": outcome.error},
        file=sys.stderr,
    )
    return 1


def cmd_channel_list(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.notifications.selectors import channels  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    rows = list(channels())
    if not rows:
        print(_("no channel yet: add one with `pingyi channel add`"), file=sys.stderr)
        return 0
    for channel in rows:
        print(_line(channel))
    return 0
