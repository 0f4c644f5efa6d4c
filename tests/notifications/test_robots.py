"""The robots' pure rules: webhook shapes, signatures, cutting, digests, backoff."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingyi.notifications import robots
from pingyi.notifications.robots import WebhookProblem


def test_dingtalk_sign_is_the_documented_one() -> None:
    # DingTalk's own Python example: quote_plus(b64encode(hmac(secret, f"{ts}\n{secret}")))
    secret, ts = "this is secret", 1577262236757
    mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert robots.dingtalk_sign(secret, ts) == urllib.parse.quote_plus(base64.b64encode(mac))
    assert "%" in robots.dingtalk_sign(secret, ts) or "+" not in robots.dingtalk_sign(secret, ts)


def test_feishu_sign_keys_the_hmac_with_timestamp_and_secret_over_nothing() -> None:
    secret, ts = "demo", 1599360473
    mac = hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
    assert robots.feishu_sign(secret, ts) == base64.b64encode(mac).decode()
    # not the DingTalk way round
    other = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert robots.feishu_sign(secret, ts) != base64.b64encode(other).decode()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=8f0a1e2d3c4b5a69"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/2c8e1f5a-3b7d-4e9f"),
        ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/2c8e1f5a-3b7d-4e9f"),
        ("wecom", "http://10.1.2.3:8080/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4"),
    ],
)
def test_the_chat_apps_urls_are_taken_and_masked(kind: str, url: str) -> None:
    hook = robots.parse_webhook(kind, url)
    assert hook.url == url
    assert hook.token not in hook.masked
    assert hook.masked.endswith(hook.token[:4] + "****")


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "https://oapi.dingtalk.com/robot/send?access_token=8f0a1e2d3c4b5a69"),
        ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
        ("wecom", "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
        ("wecom", "javascript:alert(1)//cgi-bin/webhook/send?key=693a91f6-7xxx"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=a&access_token=b12345678"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc def ghi"),
        ("wecom", ""),
    ],
)
def test_a_url_of_another_shape_is_refused_saying_what_is_expected(kind: str, url: str) -> None:
    with pytest.raises(WebhookProblem) as refused:
        robots.parse_webhook(kind, url)
    assert robots.expected_shape(kind) in str(refused.value)


def test_a_refusal_never_repeats_the_token() -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOPSECRETTOKEN99&x=1"
    with pytest.raises(WebhookProblem) as refused:
        robots.parse_webhook("wecom", url)
    assert "TOPSECRETTOKEN99" not in str(refused.value)


def test_rebase_replaces_scheme_and_host_only() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K123"
    assert (
        robots.rebase(url, "http://proxy:8080") == "http://proxy:8080/cgi-bin/webhook/send?key=K123"
    )
    assert robots.rebase(url, "http://proxy/wx/") == "http://proxy/wx/cgi-bin/webhook/send?key=K123"
    assert robots.rebase(url, "") == url


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=4, max_value=5000))
def test_cut_utf8_stays_within_the_bytes_on_a_character_boundary(text: str, limit: int) -> None:
    cut = robots.cut_utf8(text, limit)
    data = cut.encode("utf-8")  # never raises: no half character
    assert len(data) <= limit
    if len(text.encode("utf-8")) <= limit:
        assert cut == text
    else:
        assert cut.endswith("…") and text.startswith(cut[:-1])


def test_a_wecom_message_of_5000_chinese_bytes_is_cut_to_4096() -> None:
    text = "督" * 2000  # 6,000 bytes
    _query, body = robots.payload("wecom", title="t", text=text, secret="", now_s=0)
    content = json.loads(body)["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and content.endswith("…")


def test_a_digest_of_30_is_one_message_with_a_line_each() -> None:
    items = [(f"红色督办单 第{i}号", f"http://x/s/{i}") for i in range(30)]
    [one] = robots.digest(items, 4096)
    assert one.title == "督办提醒（30条）" and one.count == 30
    assert one.markdown.count("\n- [") == 30
    assert "http://x/s/29" in one.markdown


def test_a_digest_over_the_limit_goes_on_in_a_further_digest() -> None:
    items = [("很长的标题" * 20, f"http://x/s/{i}") for i in range(60)]
    parts = robots.digest(items, 4096)
    assert len(parts) > 1
    assert sum(p.count for p in parts) == 60
    for p in parts:
        assert len(p.markdown.encode("utf-8")) <= 4096
        assert p.title == f"督办提醒（{p.count}条）"


def test_backoff_doubles_from_one_minute() -> None:
    assert [robots.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert robots.backoff(30) == timedelta(minutes=60)


@pytest.mark.parametrize(
    ("kind", "status", "body", "ok"),
    [
        ("wecom", 200, b'{"errcode":0,"errmsg":"ok"}', True),
        ("wecom", 200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', False),
        ("dingtalk", 200, b'{"errcode":310000,"errmsg":"sign not match"}', False),
        ("feishu", 200, b'{"code":0,"msg":"success"}', True),
        ("feishu", 200, b'{"StatusCode":0}', True),
        ("feishu", 200, b'{"code":19021,"msg":"sign match fail"}', False),
        ("feishu", 500, b"", False),
        ("wecom", 200, b"<html>proxy error</html>", False),
    ],
)
def test_a_200_with_an_error_code_is_a_failure(
    kind: str, status: int, body: bytes, ok: bool
) -> None:
    assert (robots.robot_answer(kind, status, body) is None) is ok


def test_a_message_carries_its_link_once() -> None:
    link = "https://pingyi.example.test/supervision/notices/1/"
    assert robots.message_text("t", "正文", link).count(link) == 1
    assert robots.message_text("t", f"正文\n[查看详情]({link})", link).count(link) == 1
