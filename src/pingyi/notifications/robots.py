"""The chat robots' rules, pure (no Django): what a webhook URL looks like, how each robot
signs, how a message is shaped and cut, how a burst becomes digests, the backoff and the
rate limits. The delivery (``delivery.py``) only moves bytes with these.

- WeCom (企业微信 group robot): ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K``;
  ``{"msgtype": "markdown", "markdown": {"content": …}}``, content ≤ 4,096 bytes of UTF-8;
  20 messages a minute per robot; answers ``{"errcode": 0, "errmsg": "ok"}``.
- DingTalk (钉钉 custom robot): ``https://oapi.dingtalk.com/robot/send?access_token=T``;
  with a signing secret (加签, ``SEC…``) ``&timestamp=<ms>&sign=<urlencode(base64(
  HMAC-SHA256(key=secret, msg="<ms>\\n<secret>")))>``, the timestamp within an hour of the
  robot's clock; ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; 20 a minute;
  answers ``{"errcode": 0}``.
- Feishu/Lark (飞书 custom bot): ``https://open.feishu.cn/open-apis/bot/v2/hook/T``; with a
  secret ``"timestamp": "<s>", "sign": base64(HMAC-SHA256(key="<s>\\n<secret>", msg=b""))``
  in the body; ``msg_type`` ``post`` (rich text); 100 a minute and 5 a second; the body at
  most 20 KB; answers ``{"code": 0}`` (older bots ``{"StatusCode": 0}``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta

from pingyi.core.pure.i18n import gettext as _

WECOM, DINGTALK, FEISHU, EMAIL = "wecom", "dingtalk", "feishu", "email"
ROBOTS = (WECOM, DINGTALK, FEISHU)
KINDS = (*ROBOTS, EMAIL)

#: the title of a digest: several messages for one channel at once (N of them in this one)
DIGEST_TITLE = "督办提醒（{n}条）"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Limits:
    per_minute: int | None
    per_second: int | None
    max_bytes: int  # of the message's markdown, UTF-8


LIMITS: dict[str, Limits] = {
    WECOM: Limits(per_minute=20, per_second=None, max_bytes=4096),
    # DingTalk states no markdown size; its text messages stop at 20,000 bytes: we keep
    # well under it, a digest is read on a phone
    DINGTALK: Limits(per_minute=20, per_second=None, max_bytes=5000),
    # the whole request at most 20 KB: the markdown at most 18,000 bytes leaves room for JSON
    FEISHU: Limits(per_minute=100, per_second=5, max_bytes=18000),
    EMAIL: Limits(per_minute=None, per_second=None, max_bytes=100_000),
}

#: how long a message is retried before it is given up (failed): a robot or a mail server
#: unreachable for a night (an intranet proxy down, a chat app's outage) still delivers in
#: the morning; after a whole day the office decides (the delivery log's "Send again")
GIVE_UP_AFTER = timedelta(hours=24)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes (≤ 1 hour)."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def gives_up(created: datetime, attempts: int, now: datetime) -> bool:
    """Whether the ``attempts``-th failure of a message made at ``created`` gives it up: when
    the next attempt would come more than :data:`GIVE_UP_AFTER` after it was made (waits of 1,
    2, 4, 8, 16, 32 minutes, then every hour: 29 attempts in 24 hours)."""
    return now + backoff(attempts) - created > GIVE_UP_AFTER


class WebhookProblem(ValueError):
    """A webhook URL that is not the chat app's shape; the message says what is expected."""


@dataclass(frozen=True)
class Webhook:
    kind: str
    url: str  # exactly as given
    token: str  # the secret part of the URL (key, access_token, the hook's token)

    @property
    def masked(self) -> str:
        return mask_url(self.url, self.token)


_SHAPES = {
    WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=…",
    FEISHU: "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}


def expected_shape(kind: str) -> str:
    return _SHAPES[kind]


def parse_webhook(kind: str, url: str) -> Webhook:
    """The webhook URL of a ``kind`` robot, exactly as the chat app gives it; refused with the
    expected shape when it is not one. Any host is taken (an intranet proxy's, too): the path
    and the token say which robot it is."""
    if kind not in ROBOTS:
        raise WebhookProblem(_("%(kind)s is not a chat robot.") % {"kind": kind})
    text = url.strip()
    problem = WebhookProblem(
        _("%(url)s is not a %(kind)s robot's webhook URL: expected %(shape)s")
        % {"url": _short(text), "kind": kind, "shape": _SHAPES[kind]}
    )
    if not text or len(text) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise problem
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        raise problem from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise problem
    query = urllib.parse.parse_qs(parts.query)
    if kind == WECOM:
        tokens = query.get("key", [])
        ok = parts.path.endswith("/cgi-bin/webhook/send") and len(tokens) == 1
    elif kind == DINGTALK:
        tokens = query.get("access_token", [])
        ok = parts.path.endswith("/robot/send") and len(tokens) == 1
    else:
        head, _sep, token = parts.path.rpartition("/")
        tokens = [token]
        ok = head.endswith("/open-apis/bot/v2/hook") and not parts.query
    token = tokens[0] if tokens else ""
    if not ok or not _token_ok(token):
        raise problem
    return Webhook(kind=kind, url=text, token=token)


def _token_ok(token: str) -> bool:
    return 8 <= len(token) <= 200 and all(ch.isalnum() or ch in "-_" for ch in token)


def _short(text: str) -> str:
    text = mask_url(text, "")
    return text if len(text) <= 80 else text[:79] + ELLIPSIS


def mask(secret: str) -> str:
    """``abcd****``: the first four characters of a secret, never more."""
    return (secret[:4] + "****") if len(secret) > 8 else "****"


def mask_url(url: str, token: str) -> str:
    """The URL with its secret part masked (``…?key=abcd****``); with no token known, every
    query value and the last path part of a Feishu hook are masked."""
    if token:
        return url.replace(token, mask(token))
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "****"
    query = "&".join(f"{name}={mask(value)}" for name, value in urllib.parse.parse_qsl(parts.query))
    path = parts.path
    if "/hook/" in path:
        head, _sep, last = path.rpartition("/")
        path = f"{head}/{mask(last)}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def rebase(url: str, base: str) -> str:
    """The URL sent to: ``base`` (``http://proxy:8080`` or ``http://proxy/wecom``) in place
    of the webhook URL's scheme and host; the path and query stay. No base: the URL."""
    if not base:
        return url
    parts = urllib.parse.urlsplit(url)
    tail = urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))
    return base.rstrip("/") + tail


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign``: urlencode(base64(HMAC-SHA256(key=secret, "<ms>\\n<secret>")))."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's ``sign``: base64(HMAC-SHA256(key="<s>\\n<secret>", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def cut_utf8(text: str, max_bytes: int) -> str:
    """``text`` in at most ``max_bytes`` of UTF-8, cut on a character boundary with "…"."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    room = max_bytes - len(ELLIPSIS.encode("utf-8"))
    return data[: max(room, 0)].decode("utf-8", errors="ignore") + ELLIPSIS


@dataclass(frozen=True)
class Outgoing:
    title: str
    markdown: str
    count: int  # how many messages it carries


def message_text(title: str, markdown: str, link: str) -> str:
    """One message as the robots show it: the title in bold, the text, the link back (once)."""
    parts = [f"**{title}**"]
    if markdown.strip():
        parts.append(markdown.strip())
    if link and link not in markdown:  # the caller may have put it in the text already
        parts.append(f"[查看详情]({link})")
    return "\n\n".join(parts)


def digest(items: list[tuple[str, str]], max_bytes: int) -> list[Outgoing]:
    """A burst of ``(title, link)`` as digests: "督办提醒（N条）" and one line per message with
    its link, each digest within ``max_bytes``; the rest go in further digests. A single
    line longer than the limit is cut (it never blocks the others)."""
    out: list[Outgoing] = []
    lines: list[str] = []

    def body(n: int, rows: list[str]) -> str:
        return f"**{DIGEST_TITLE.format(n=n)}**\n\n" + "\n".join(rows)

    for title, link in items:
        line = f"- [{title}]({link})" if link else f"- {title}"
        if lines and len(body(len(lines) + 1, [*lines, line]).encode("utf-8")) > max_bytes:
            out.append(
                Outgoing(DIGEST_TITLE.format(n=len(lines)), body(len(lines), lines), len(lines))
            )
            lines = []
        head = len(body(1, []).encode("utf-8")) + 4
        lines.append(cut_utf8(line, max(max_bytes - head, 16)))
    if lines:
        out.append(Outgoing(DIGEST_TITLE.format(n=len(lines)), body(len(lines), lines), len(lines)))
    return out


def payload(
    kind: str, *, title: str, text: str, secret: str, now_s: float
) -> tuple[dict[str, str], bytes]:
    """The extra query parameters and the JSON body of one robot message (``text`` already
    within the robot's limit)."""
    query: dict[str, str] = {}
    if kind == WECOM:
        body: dict[str, object] = {
            "msgtype": "markdown",
            "markdown": {"content": cut_utf8(text, LIMITS[WECOM].max_bytes)},
        }
    elif kind == DINGTALK:
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if secret:
            ms = int(now_s * 1000)
            query = {"timestamp": str(ms), "sign": dingtalk_sign(secret, ms)}
    elif kind == FEISHU:
        lines = [[{"tag": "text", "text": line}] for line in text.splitlines() if line.strip()]
        body = {
            "msg_type": "post",
            "content": {"post": {"zh_cn": {"title": title, "content": lines}}},
        }
        if secret:
            s = int(now_s)
            body = {"timestamp": str(s), "sign": feishu_sign(secret, s), **body}
    else:
        raise ValueError(kind)
    return query, json.dumps(body, ensure_ascii=False).encode("utf-8")


def with_query(url: str, extra: dict[str, str]) -> str:
    """The URL with DingTalk's ``timestamp`` and ``sign`` appended (``sign`` already encoded)."""
    if not extra:
        return url
    tail = "&".join(f"{name}={value}" for name, value in extra.items())
    return url + ("&" if "?" in url else "?") + tail


def robot_answer(kind: str, status: int, body: bytes) -> str | None:
    """None when the robot took the message, else what went wrong: a status other than 200,
    or a 200 whose JSON says an error (errcode ≠ 0, code ≠ 0)."""
    text = body[:500].decode("utf-8", errors="replace")
    if status != 200:
        return f"HTTP {status}: {text}".strip()
    try:
        answer = json.loads(body)
    except ValueError:
        return f"HTTP 200, not JSON: {text}"
    if not isinstance(answer, dict):
        return f"HTTP 200, unexpected answer: {text}"
    if kind in (WECOM, DINGTALK):
        code = answer.get("errcode", 0)
    else:
        code = answer.get("code", answer.get("StatusCode", 0))
    if code not in (0, None):
        return f"HTTP 200, error {code}: {text}"
    return None
