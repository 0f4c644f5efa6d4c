"""The phone ballot (``/b/``): a 360×740 phone in Debian's Chromium, and the page's contracts.

Browser scenario: a phone opens a card's QR address (token in the fragment), scores two tracks
(criteria in steps of 0.5; grades with a top-grade quota and "don't know"), reloads and finds
its draft, loses the network on submit, recovers and gets the receipt the database holds; the
same card on another phone is refused; a bound card shows its own unit excluded; a typed short
code opens the ballot. Offline (the service worker, /b/sw.js): a reload without network
shows the ballot and its draft, a ballot submitted offline is queued and sent when the
network is back, and nothing of a card is cached (nor another card's ballot opened). Every
screenshot is also checked with axe-core (tests/browser/axe.py). Screenshots in Chinese and
English go to
``test-artifacts/screenshots/ballot-*.png``; the page weight to
``test-artifacts/ballot-page-weight.json``.

Without a browser: the page has no inline script (one entry module, its imports preloaded),
its data islands are JSON, the modules' strings are all in the translated catalogue and in the
page's #i18n island, and no module puts the card's secret in an address.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pingyi.appraisal import services
from pingyi.appraisal.models import Ballot, Event, Presentation
from pingyi.appraisal.views.ballot import offline_files
from pingyi.core import js
from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

PHONE = {"width": 360, "height": 740}
SRC = Path(__file__).resolve().parents[2] / "src" / "pingyi"
STATIC = SRC / "appraisal" / "static" / "pingyi"
WEIGHT_LIMIT = 100 * 1024

LEADS = [
    ("fgw", "市发展改革委"),
    ("gxj", "市工业和信息化局"),
    ("kjj", "市科技局"),
    ("swj", "市商务局"),
    ("czj", "市财政局"),
    ("zrzyj", "市自然资源和规划局"),
    ("zjj", "市住房和城乡建设局"),
    ("jtj", "市交通运输局"),
    ("nyncj", "市农业农村局"),
    ("slj", "市水利局"),
    ("wlj", "市文化广电和旅游局"),
]

EVENT = {
    "format": "pingyi-event/1",
    "key": "phone-2026",
    "name": "2026年上半年工作述职评议",
    "held_on": "2026-07-17",
    "tracks": [
        {
            "key": "counties",
            "name": "县（区）",
            "units": [
                {"key": "hualong", "name": "华龙区"},
                {"key": "puyang", "name": "濮阳县"},
                {"key": "qingfeng", "name": "清丰县", "presenter": "王五"},
            ],
            "rubric": {
                "kind": "criteria",
                "step": 0.5,
                "criteria": [
                    {"key": "results", "name": "工作实绩", "max": 60},
                    {"key": "style", "name": "能力作风", "max": 40},
                ],
            },
        },
        {
            "key": "leads",
            "name": "重点工作牵头单位",
            "units": [{"key": k, "name": n} for k, n in LEADS],
            "rubric": {
                "kind": "grades",
                "top_grade_max_share": 0.3,
                "abstain": True,
                "grades": [
                    {"key": "good", "name": "好", "points": 100},
                    {"key": "fair", "name": "较好", "points": 85},
                    {"key": "average", "name": "一般", "points": 70},
                    {"key": "poor", "name": "差", "points": 55},
                ],
            },
        },
    ],
    "panels": [
        {"key": "leaders", "name": "市级领导", "weight": 0.4},
        {"key": "attendees", "name": "列席人员", "weight": 0.6},
    ],
    "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
}

#: The ballot the first phone fills: counties (results, style) and leads grades.
COUNTIES = {"华龙区": ("55.5", None), "濮阳县": ("58", "36"), "清丰县": ("50", "30")}
GRADES = {
    "市发展改革委": "好",
    "市工业和信息化局": "好",
    "市科技局": "好",
    "市商务局": "较好",
    "市财政局": None,  # don't know
    "市自然资源和规划局": "较好",
    "市住房和城乡建设局": "一般",
    "市交通运输局": "较好",
    "市农业农村局": "差",
    "市水利局": "一般",
    "市文化广电和旅游局": "较好",
}


# --- set-up ----------------------------------------------------------------------------------


def make_event() -> Event:
    event = services.event_import(data=json.dumps(EVENT, ensure_ascii=False))
    Presentation.objects.create(
        event=event,
        track="counties",
        unit="puyang",
        order=1,
        presenter="张三",
        slides="slides/2026/puyang.pdf",
    )
    Presentation.objects.create(
        event=event, track="counties", unit="hualong", order=2, presenter="李四"
    )
    return event


def phone(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    return context


def set_language(context: BrowserContext, base_url: str, language: str) -> None:
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def unit(page: Page, track: int, name: str) -> Locator:
    return page.locator(f"#track-{track} li.unit").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def fill_counties(page: Page, values: dict[str, tuple[str, str | None]]) -> None:
    for name, (results, style) in values.items():
        li = unit(page, 0, name)
        li.locator("input.score").nth(0).fill(results)
        if style is not None:
            li.locator("input.score").nth(1).fill(style)


def choose(page: Page, name: str, grade: str | None) -> None:
    li = unit(page, 1, name)
    if grade is None:
        li.locator("input[value='__abstain__']").check()
    else:
        li.get_by_role("radio", name=grade, exact=True).check()


def quota(page: Page) -> Locator:
    return page.locator("#track-1-status-quota")


def progress(page: Page, track: int) -> Locator:
    return page.locator(f"#track-{track}-status-progress")


TARGETS = "button, input.score, .grade span, .abstain-toggle, a, #code-input"


def assert_phone_friendly(page: Page) -> None:
    """Nothing wider than the phone; every visible control at least 44×44 CSS px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.id || el.className || el.tagName, el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44)
            .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TARGETS,
    )
    assert not small, small


def shot(page: Page, directory: Path, name: str) -> None:
    """A screenshot of the phone, and axe-core's WCAG 2 A/AA rules over the page as it is."""
    page.screenshot(path=directory / f"ballot-{name}.png", full_page=False)
    assert_accessible(page, f"the phone ballot ({name})")


# --- the page without a browser ----------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.html_lang: str | None = None
        self._in: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "html":
            self.html_lang = named.get("lang")
        if tag == "script":
            self._in = {**named, "body": ""}
            self.scripts.append(self._in)

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._in["body"] = (self._in["body"] or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None


def parse_page(html: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(html)
    return parser


@pytest.mark.django_db
def test_page_has_no_inline_script_and_follows_the_language(client: Any) -> None:
    response = client.get("/b/")
    assert response.status_code == 200
    html = response.content.decode()
    page = parse_page(html)
    assert page.html_lang == "zh-hans"
    assert not page.handlers, page.handlers  # no onclick= and the like
    executable = [s for s in page.scripts if s.get("type") != "application/json"]
    assert [(s.get("type"), s.get("src")) for s in executable] == [
        ("module", "/static/pingyi/ballot.js")
    ]
    assert all(not (s["body"] or "").strip() for s in executable)
    islands = {
        s.get("id"): json.loads(s["body"] or "") for s in page.scripts if s not in executable
    }
    assert set(islands) == {"i18n", "ballot-config"}
    # Every module the entry imports is preloaded (one round trip, not one per import level).
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert preloaded == [f"/static/{name}" for name in js.module_files("pingyi/ballot.js")[1:]]
    assert len(preloaded) >= 8 and "/static/pingyi/shared/i18n.js" in preloaded
    # The island holds the Chinese of exactly the strings of the ballot's modules.
    assert islands["i18n"]["Enter a number."] == "请输入数字。"
    assert set(islands["i18n"]) == set(js.messages("pingyi/ballot.js"))
    assert "Quorum met" not in islands["i18n"]  # the console's, not the ballot's
    assert islands["ballot-config"]["urls"] == {
        "lookup": "/api/v1/cards/lookup",
        "ballots": "/api/v1/ballots",
        "presentations": "/b/presentations/",
        "sw": "/b/sw.js",
    }
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "htmx" not in html and "jsi18n" not in html
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets == ["/static/pingyi/ballot.css"]

    client.cookies["django_language"] = "en"
    english = client.get("/b/").content.decode()
    assert parse_page(english).html_lang == "en"
    (island,) = [s for s in parse_page(english).scripts if s.get("id") == "i18n"]
    assert json.loads(island["body"] or "") == {}  # English is the msgid itself


def ballot_sources() -> dict[str, str]:
    """The ballot's modules (the entry and all it imports), by static name."""
    return {name: static_source(name) for name in js.module_files("pingyi/ballot.js")}


def static_source(name: str) -> str:
    for app in ("appraisal", "core"):
        path = SRC / app / "static" / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def our_modules() -> list[Path]:
    """Every ES module of ours (not the vendor bundles)."""
    found = sorted((SRC / "appraisal" / "static").rglob("*.js"))
    found += sorted((SRC / "core" / "static").rglob("*.js"))
    return [path for path in found if "vendor" not in path.parts]


@pytest.mark.django_db
def test_every_script_string_is_in_the_catalogue() -> None:
    """Each gettext('…') of the ballot's modules has its Chinese in the page's island; a
    string the island lacked would show English on a Chinese phone."""
    from django.utils import translation

    used = js.messages("pingyi/ballot.js")
    assert len(used) > 40, used
    calls = set()
    for source in ballot_sources().values():
        code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)  # not the comments
        calls |= set(re.findall(r"\bgettext\('((?:[^'\\]|\\.)*)'", code))
    assert calls == set(used)
    with translation.override("zh-hans"):
        catalogue = js.catalogue("pingyi/ballot.js")
    assert set(catalogue) == set(used), sorted(set(used) - set(catalogue))
    # One way to translate: no module keeps a keyed dictionary or its own t().
    for path in our_modules():
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\bT\[|\bT\.\w|\bt\(", code), path
        assert "config.strings" not in code, path


def test_the_script_never_puts_the_secret_in_an_address() -> None:
    """Requests go only to the configured endpoints; the card's secret travels in POST bodies."""
    sources = ballot_sources()
    source = "\n".join(sources.values())
    code = re.sub(r"/\*.*?\*/|(?<![:'\"])//[^\n]*", "", source, flags=re.S)
    # fetch() appears only in the two helpers; the helpers are called with fixed endpoints.
    assert len(re.findall(r"\bfetch\(", code)) == 2
    calls = re.findall(r"(?<![.\w])(postJSON|getJSON)\(([^,;\n]*)", code)
    calls = [(n, a.strip()) for n, a in calls if not a.strip().startswith("url")]  # not the defs
    assert sorted(set(calls)) == [
        ("getJSON", "URLS.presentations + encodeURIComponent(event.key))"),
        ("postJSON", "URLS.ballots"),
        ("postJSON", "URLS.lookup"),
    ], calls
    assert "token: secret" in code and "token: S.secret" in code  # in the JSON bodies
    for forbidden in (
        "XMLHttpRequest",
        "sendBeacon",
        "location.search =",
        "?token",
        "&token",
        "location.href =",
        "location.assign",
        "new Image",
        "WebSocket",
        "EventSource",
        "eval(",
        "new Function",
        "?.",
    ):
        assert forbidden not in code, forbidden
    # The fragment is stripped from the address bar before anything is sent: the entry reads
    # it (secretFromHash, which strips it first) before it opens the card.
    card = sources["pingyi/ballot/card.js"]
    assert card.index("history.replaceState") < card.index("postJSON(URLS.lookup")
    entry = sources["pingyi/ballot.js"]
    assert entry.index("= secretFromHash()") < entry.rindex("if (secret) openCard(secret)")


def test_the_script_stays_within_es2017() -> None:
    """Old Android WebViews and the WeChat browser: ES modules with static imports, no syntax
    newer than ES2017, in every module of ours (the ballot's, the screen's, the console's)."""
    modules = our_modules()
    assert len(modules) >= 13, modules
    source = "\n".join(path.read_text(encoding="utf-8") for path in modules)
    assert not re.search(r"^\(function|}\)\(\);\s*$", source, re.M)  # modules, not IIFEs
    assert not re.search(r"\bvar\s", source)
    assert "window.Pingyi" not in source  # modules import each other; no globals
    for newer in (
        "?.",
        "??",
        "...",
        "catch {",
        "(?<",
        ".flat(",
        "fromEntries",
        ".finally(",
        "replaceAll",
        "matchAll",
        "globalThis",
        "import(",
        "class ",
    ):
        assert newer not in source, newer


@pytest.mark.django_db
def test_running_order_endpoint_answers_open_events_only(client: Any) -> None:
    event = make_event()
    assert client.get(f"/b/presentations/{event.key}").status_code == 404  # a draft
    services.event_open(key=event.key)
    response = client.get(f"/b/presentations/{event.key}")
    assert response.status_code == 200
    rows = response.json()["presentations"]
    counties = [(r["unit"], r["order"], r["presenter"]) for r in rows if r["track"] == "counties"]
    assert counties == [("puyang", 1, "张三"), ("hualong", 2, "李四"), ("qingfeng", 3, "王五")]
    assert rows[0]["slides"] == "/slides/phone-2026/counties/puyang/file"
    assert [r["unit"] for r in rows if r["track"] == "leads"] == [k for k, _ in LEADS]
    assert client.get("/b/presentations/nope").status_code == 404


# --- the phone in Chromium ------------------------------------------------------------------------


@pytest.fixture
def meeting(transactional_db: None) -> dict[str, Any]:
    event = make_event()
    services.event_open(key=event.key)
    main, bound, typed = (
        services.tokens_issue(event=event, panel="leaders", count=1)[0],
        services.tokens_issue(event=event, panel="attendees", count=1, unit="hualong")[0],
        services.tokens_issue(event=event, panel="attendees", count=1)[0],
    )
    return {"event": event, "main": main, "bound": bound, "typed": typed}


@pytest.fixture
def phones(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def measure_weight(page: Page, responses: list[Any], base_url: str) -> dict[str, Any]:
    """Bytes on the wire for the page's first load: Chromium's own transfer sizes, the
    decoded bodies, and what each body weighs gzipped (as a proxy or WhiteNoise would send)."""
    rows = []
    for response in responses:
        sizes = response.request.sizes()
        body = response.body()
        rows.append(
            {
                "url": response.url.replace(base_url, ""),
                "status": response.status,
                "wire": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "body": len(body),
                "gzip": len(gzip.compress(body, 9)),
            }
        )
    return {
        "requests": len(rows),
        "wire_bytes": sum(r["wire"] for r in rows),
        "body_bytes": sum(r["body"] for r in rows),
        "gzip_body_bytes": sum(r["gzip"] for r in rows),
        "rows": rows,
    }


@pytest.mark.browser
def test_phone_ballot_end_to_end(
    live_server: Any,
    browser: Browser,
    meeting: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    token = meeting["main"].token
    urls: list[str] = []

    first = phone(browser)
    phones.append(first)
    first.on("request", lambda request: urls.append(request.url))
    page = first.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))

    # A second phone holding the same card opens it now, before the first one votes.
    rival_context = phone(browser)
    phones.append(rival_context)
    rival_context.on("request", lambda request: urls.append(request.url))
    rival = rival_context.new_page()

    # --- open from the QR: the fragment leaves the address bar at once
    page.goto(f"{base}/b/#{token}")
    expect(page.locator("#event-name")).to_have_text("2026年上半年工作述职评议")
    expect(page.locator("#event-meta")).to_contain_text("市级领导")
    assert page.evaluate("location.href") == f"{base}/b/"
    page.wait_for_load_state("networkidle")
    weight = measure_weight(page, responses, base)
    (screenshot_dir.parent / "ballot-page-weight.json").write_text(json.dumps(weight, indent=2))
    assert weight["wire_bytes"] < WEIGHT_LIMIT, weight
    assert weight["body_bytes"] < WEIGHT_LIMIT, weight
    print(
        f"\nballot page weight: {weight['wire_bytes']} B on the wire "
        f"({weight['body_bytes']} B decoded, {weight['gzip_body_bytes']} B gzipped), "
        f"{weight['requests']} requests"
    )

    # Running order from the presentations: 濮阳县 (张三, slides), 华龙区 (李四), 清丰县.
    names = page.locator("#track-0 h3.unit-name").all_inner_texts()
    assert names == ["濮阳县", "华龙区", "清丰县"]
    expect(unit(page, 0, "濮阳县").locator(".meta")).to_contain_text("张三")
    expect(unit(page, 0, "濮阳县").locator("a.slides")).to_have_attribute(
        "href", "/slides/phone-2026/counties/puyang/file"
    )
    expect(unit(page, 0, "清丰县").locator(".meta")).to_contain_text("王五")
    expect(progress(page, 0)).to_have_text(re.compile(r"0/3"))
    expect(progress(page, 1)).to_have_text(re.compile(r"0/11"))
    expect(quota(page)).to_have_text("好 0/3")
    expect(page.locator("#submit")).to_be_disabled()
    shot(page, screenshot_dir, "zh-start")
    assert_phone_friendly(page)

    rival.goto(f"{base}/b/#{token}")
    expect(rival.locator("#track-0")).to_be_visible()

    # --- criteria: typed values, steppers, range and step checks
    fill_counties(page, COUNTIES)
    hualong_style = unit(page, 0, "华龙区").locator("input.score").nth(1)
    unit(page, 0, "华龙区").locator("button.step[data-act=inc]").nth(1).click()
    expect(hualong_style).to_have_value("40")  # from empty, + starts at the maximum
    unit(page, 0, "华龙区").locator("button.step[data-act=dec]").nth(1).click()
    expect(hualong_style).to_have_value("39.5")  # steps of 0.5
    puyang = unit(page, 0, "濮阳县").locator("input.score").nth(0)
    puyang.fill("61")
    expect(puyang).to_have_attribute("aria-invalid", "true")
    expect(unit(page, 0, "濮阳县").locator(".err").nth(0)).to_contain_text("60")
    expect(page.locator("#bar-reason")).to_contain_text("濮阳县")
    puyang.fill("57.3")
    expect(unit(page, 0, "濮阳县").locator(".err").nth(0)).to_contain_text("0.5")
    shot(page, screenshot_dir, "zh-invalid")
    puyang.fill("58")
    expect(puyang).to_have_attribute("aria-invalid", "false")
    expect(progress(page, 0)).to_have_text(re.compile(r"3/3"))
    expect(unit(page, 0, "华龙区").locator(".total")).to_contain_text("95")

    # --- grades: the quota counter refuses a 4th 好
    for name in list(GRADES)[:3]:
        choose(page, name, "好")
    expect(quota(page)).to_have_text("好 3/3")
    unit(page, 1, "市商务局").get_by_role("radio", name="好", exact=True).click()
    expect(
        unit(page, 1, "市商务局").get_by_role("radio", name="好", exact=True)
    ).not_to_be_checked()
    expect(quota(page)).to_have_text("好 3/3")
    expect(page.locator("#track-1-status-msg")).to_contain_text("市商务局")
    page.locator("#track-1-status-msg").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "zh-quota")

    # Abstaining recomputes the limit over the units actually graded: 11 → 10 graded: 3.
    choose(page, "市财政局", None)
    expect(quota(page)).to_have_text("好 3/3")
    # A second abstention would leave 9 graded: floor(0.3 × 9) = 2, and 3 好 are too many.
    choose(page, "市商务局", None)
    expect(quota(page)).to_have_text("好 3/2")
    expect(quota(page)).to_have_class(re.compile(r"\bover\b"))
    expect(page.locator("#bar-reason")).to_contain_text("好")
    choose(page, "市商务局", "较好")
    expect(quota(page)).to_have_text("好 3/3")

    # --- a reload mid-way finds the draft
    choose(page, "市自然资源和规划局", "较好")
    page.reload()
    expect(page.locator("#saved")).not_to_be_empty()
    expect(unit(page, 0, "华龙区").locator("input.score").nth(1)).to_have_value("39.5")
    expect(unit(page, 0, "濮阳县").locator("input.score").nth(0)).to_have_value("58")
    expect(unit(page, 1, "市商务局").get_by_role("radio", name="较好", exact=True)).to_be_checked()
    expect(unit(page, 1, "市财政局").locator("input[value='__abstain__']")).to_be_checked()
    expect(quota(page)).to_have_text("好 3/3")
    expect(progress(page, 1)).to_have_text(re.compile(r"6/11"))

    for name, grade in list(GRADES.items())[6:]:
        choose(page, name, grade)
    expect(progress(page, 1)).to_have_text(re.compile(r"11/11"))
    expect(page.locator("#submit")).to_be_enabled()
    page.locator("#track-1").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "zh-filled")

    # --- submit with the network lost: the page says so and keeps trying
    page.context.route("**/api/v1/ballots", lambda route: route.abort())
    page.locator("#submit").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#bar-status")).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#retry")).to_be_visible()
    expect(unit(page, 0, "华龙区").locator("input.score").first).to_be_disabled()
    shot(page, screenshot_dir, "zh-retrying")
    assert Ballot.objects.count() == 0
    # A reload (or a locked screen that killed the page) resumes the same submission.
    page.reload()
    expect(page.locator("#bar-status")).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#retry")).to_be_visible()
    assert Ballot.objects.count() == 0
    page.context.unroute("**/api/v1/ballots")
    page.locator("#retry").click()
    expect(page.locator("#receipt")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text().strip()
    stored = list(Ballot.objects.values_list("receipt", flat=True))
    assert stored == [receipt]
    shot(page, screenshot_dir, "zh-receipt")
    page.reload()
    expect(page.locator("#receipt-code")).to_have_text(receipt)

    # --- the same card, another ballot, on the second phone: 409 in plain words
    fill_counties(rival, {"华龙区": ("40", "30"), "濮阳县": ("40", "30"), "清丰县": ("40", "30")})
    for key_name in GRADES:
        choose(rival, key_name, "一般")
    rival.locator("#submit").click()
    rival.locator("#confirm-yes").click()
    expect(rival.locator("#notice")).to_be_visible()
    expect(rival.locator("#notice")).to_have_class(re.compile(r"notice-refused"))
    shot(rival, screenshot_dir, "zh-used")
    assert Ballot.objects.count() == 1

    # A third phone opening the used card is told at once.
    third = phone(browser)
    phones.append(third)
    late = third.new_page()
    late.goto(f"{base}/b/#{token}")
    expect(late.locator("#notice")).to_have_class(re.compile(r"notice-refused"))

    # --- nothing ever carried the secret in an address
    secret_bits = [token, meeting["main"].code]
    leaked = [u for u in urls if any(s in u for s in secret_bits)]
    assert not leaked, leaked
    server_urls = [u for u in urls if u.startswith(base)]
    assert any(u.endswith("/api/v1/cards/lookup") for u in server_urls)
    # The draft key is a SHA-256 of the token, not the token.
    keys = page.evaluate("Object.keys(localStorage)")
    assert f"pingyi.ballot.receipt.{hashlib.sha256(token.encode()).hexdigest()}" in keys


@pytest.mark.browser
def test_bound_card_and_typed_code(
    live_server: Any,
    browser: Browser,
    meeting: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    context = phone(browser)
    phones.append(context)
    page = context.new_page()

    # A card bound to 华龙区: its own unit is shown, greyed, with nothing to score.
    page.goto(f"{base}/b/#{meeting['bound'].token}")
    bound = unit(page, 0, "华龙区")
    expect(bound).to_have_class(re.compile(r"\bbound\b"))
    expect(bound.locator(".bound-note")).to_be_visible()
    assert bound.locator("input, button").count() == 0
    expect(progress(page, 0)).to_have_text(re.compile(r"0/2"))
    expect(page.locator("#event-meta")).to_contain_text("列席人员")
    shot(page, screenshot_dir, "zh-bound")

    # No fragment: the code form; the typed code (any case, with a dash) opens the card.
    other = phone(browser)
    phones.append(other)
    typed = other.new_page()
    typed.goto(f"{base}/b/")
    code_input = typed.locator("#code-input")
    expect(code_input).to_be_visible()
    expect(code_input).to_have_attribute("autocapitalize", "characters")
    code_input.fill("nonsense")
    typed.locator("#code-form button[type=submit]").click()
    expect(typed.locator("#code-error")).to_be_visible()
    shot(typed, screenshot_dir, "zh-code")
    assert_phone_friendly(typed)
    code = meeting["typed"].code
    code_input.fill(f"{code[:5].lower()}-{code[5:].lower()}")
    typed.locator("#code-form button[type=submit]").click()
    expect(typed.locator("#track-0")).to_be_visible()
    expect(typed.locator("#event-meta")).to_contain_text("列席人员")
    # A reload keeps the card (this tab's storage), without the code in the address.
    typed.reload()
    expect(typed.locator("#track-0")).to_be_visible()
    assert typed.evaluate("location.pathname") == "/b/"
    assert typed.evaluate("location.hash") == ""

    # A card code that does not exist is refused in words.
    typed.locator("#other-card").click()
    code_input.fill("ABCDE-FGHJK")
    typed.locator("#code-form button[type=submit]").click()
    expect(typed.locator("#code-error")).to_be_visible()


@pytest.mark.browser
def test_english_screens(
    live_server: Any,
    browser: Browser,
    meeting: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    context = phone(browser)
    phones.append(context)
    set_language(context, base, "en")
    page = context.new_page()
    page.goto(f"{base}/b/")
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, screenshot_dir, "en-code")

    page.goto(f"{base}/b/#{meeting['main'].token}")
    expect(page.locator("#track-1")).to_be_visible()
    expect(progress(page, 0)).to_have_text("Scored 0/3")
    fill_counties(page, COUNTIES)
    unit(page, 0, "华龙区").locator("input.score").nth(1).fill("39.5")
    for name in list(GRADES)[:3]:
        choose(page, name, "好")
    unit(page, 1, "市商务局").get_by_role("radio", name="好", exact=True).click()
    expect(page.locator("#track-1-status-msg")).to_contain_text("At most 3")
    assert_phone_friendly(page)
    page.locator("#track-1").scroll_into_view_if_needed()
    shot(page, screenshot_dir, "en-quota")
    for name, grade in list(GRADES.items())[3:]:
        choose(page, name, grade)
    expect(page.locator("#submit")).to_be_enabled()

    # A refusal names the unit and the rule: the unit is highlighted and the reason shown.
    # (The page validates the same rules first, so the server's answer is stood in for here.)
    refusal = {
        "detail": "市商务局 (swj): at most 3 of the 10 units graded may be given 好.",
        "code": "quota_exceeded",
        "track": "leads",
        "unit": "swj",
    }
    context.route("**/api/v1/ballots", lambda route: route.fulfill(status=422, json=refusal))
    page.locator("#submit").click()
    page.locator("#confirm-yes").click()
    expect(unit(page, 1, "市商务局")).to_have_class(re.compile(r"\brefused\b"))
    expect(page.locator("#bar-status")).to_contain_text("市商务局 (swj)")
    shot(page, screenshot_dir, "en-refused")
    context.unroute("**/api/v1/ballots")
    assert Ballot.objects.count() == 0

    page.locator("#submit").click()
    expect(page.locator("#confirm")).to_be_visible()
    shot(page, screenshot_dir, "en-confirm")
    page.locator("#confirm-yes").click()
    expect(page.locator("#receipt")).to_be_visible()
    shot(page, screenshot_dir, "en-receipt")
    assert_phone_friendly(page)

    # The language switch on the page itself: back to Chinese, the receipt stays.
    page.locator("#lang button[lang='zh-hans']").click()
    page.wait_for_load_state()
    expect(page.locator("#receipt-code")).to_have_text(
        Ballot.objects.values_list("receipt", flat=True).get()
    )
    assert page.evaluate("document.documentElement.lang") == "zh-hans"


def test_gzip_weight_over_http_is_under_the_limit(live_server: Any, transactional_db: None) -> None:
    """The page's own files fetched over HTTP, measured as sent and as gzip would send them."""
    total_raw = total_gzip = 0
    paths = [
        "/b/",
        *(f"/static/{name}" for name in offline_files() if name.endswith((".js", ".css"))),
    ]
    assert len(paths) > 10
    for path in paths:
        request = urllib.request.Request(
            live_server.url + path, headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        total_raw += len(body)
        total_gzip += len(gzip.compress(body, 9))
    assert total_raw < WEIGHT_LIMIT
    # DESIGN.md's budget is 100 KB on the wire; ours, gzipped, is far under it: 32 KB since
    # the ranking rubric's module (ballot/rank.js, about 3.3 KB gzipped) joined the page.
    assert total_gzip < 32 * 1024


SW_CACHE_JS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out[name].push([request.method, new URL(request.url).pathname + new URL(request.url).search,
        await response.text()]);
    }
  }
  return out;
}"""


@pytest.mark.browser
def test_offline_reload_queued_submit_then_sent(
    live_server: Any,
    browser: Browser,
    meeting: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    """The hall's Wi-Fi drops: the phone reloads the ballot offline (the service worker's
    page, script and style; the card's lookup and draft from this phone), submits while
    offline (queued, nothing sent), and the ballot goes out by itself when the network is
    back. The worker never caches a POST, an API answer, or anything of a card."""
    from playwright.sync_api import expect

    base = live_server.url
    token = meeting["main"].token
    context = phone(browser)
    phones.append(context)
    sent: list[str] = []
    context.on(
        "request", lambda r: sent.append(r.url) if r.method == "POST" and "/ballots" in r.url else 0
    )
    page = context.new_page()
    page.goto(f"{base}/b/#{token}")
    expect(page.locator("#track-0")).to_be_visible()
    # The worker is installed and controls the page (it claims it on activation).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    fill_counties(page, {"华龙区": ("55.5", "39.5"), "濮阳县": ("58", "36")})
    choose(page, "市发展改革委", "好")

    # --- the network drops; the phone reloads: the ballot is there, with its draft
    context.set_offline(True)
    page.reload()
    expect(page.locator("#track-0")).to_be_visible()
    expect(page.locator("#event-meta")).to_contain_text("市级领导")
    expect(page.locator("#banner")).to_be_visible()
    expect(unit(page, 0, "华龙区").locator("input.score").nth(1)).to_have_value("39.5")
    expect(unit(page, 0, "濮阳县").locator("input.score").nth(0)).to_have_value("58")
    fgw = unit(page, 1, "市发展改革委")
    expect(fgw.get_by_role("radio", name="好", exact=True)).to_be_checked()
    names = page.locator("#track-0 h3.unit-name").all_inner_texts()
    assert names == ["濮阳县", "华龙区", "清丰县"]  # the running order, kept too
    shot(page, screenshot_dir, "zh-offline-reload")

    # --- submit while offline: queued, nothing leaves the phone
    fill_counties(page, {"清丰县": ("50", "30")})
    for name, grade in list(GRADES.items())[1:]:
        choose(page, name, grade)
    page.locator("#submit").click()
    page.locator("#confirm-yes").click()
    status = page.locator("#bar-status")
    expect(status).to_have_class(re.compile(r"\bqueued\b"))
    expect(status).to_contain_text("离线")
    shot(page, screenshot_dir, "zh-offline-queued")
    # A reload while still offline keeps the queued ballot.
    page.reload()
    expect(page.locator("#bar-status")).to_have_class(re.compile(r"\bqueued\b"))
    page.wait_for_timeout(1500)
    assert Ballot.objects.count() == 0
    assert sent == []  # queued, not failing in a loop

    # --- the network is back: sent by itself, the receipt shows, the database has it
    context.set_offline(False)
    expect(page.locator("#receipt")).to_be_visible(timeout=15_000)
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert list(Ballot.objects.values_list("receipt", flat=True)) == [receipt]
    assert len(sent) == 1
    shot(page, screenshot_dir, "zh-offline-sent")

    # --- what the worker keeps: the page and its files, nothing of a card or an answer
    kept = page.evaluate(SW_CACHE_JS)
    assert len(kept) == 1, list(kept)
    (entries,) = kept.values()
    # Every module the page imported is kept (else the reload offline would fail), and no more.
    assert sorted(path for _m, path, _b in entries) == sorted(
        ["/b/", *(f"/static/{name}" for name in offline_files())]
    )
    assert "/static/pingyi/ballot/submit.js" in [path for _m, path, _b in entries]
    secrets = [token, meeting["main"].code, receipt]
    for _method, path, body in entries:
        assert not any(s in body for s in secrets), path
    # The kept lookup of a card with a receipt is gone; the receipt stays.
    keys = page.evaluate("Object.keys(localStorage)")
    assert not [k for k in keys if k.startswith("pingyi.ballot.lookup.")], keys


@pytest.mark.browser
def test_offline_phone_never_opens_another_cards_ballot(
    live_server: Any,
    browser: Browser,
    meeting: dict[str, Any],
    phones: list[BrowserContext],
) -> None:
    """A shared phone: card A was opened online; offline, card B typed on the same phone gets
    no ballot (its lookup was never kept), and certainly not card A's."""
    from playwright.sync_api import expect

    base = live_server.url
    context = phone(browser)
    phones.append(context)
    page = context.new_page()
    page.goto(f"{base}/b/#{meeting['bound'].token}")  # card A: attendees, bound to 华龙区
    expect(unit(page, 0, "华龙区")).to_have_class(re.compile(r"\bbound\b"))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    page.locator("#other-card").click()

    context.set_offline(True)
    page.reload()
    expect(page.locator("#code-input")).to_be_visible()  # the page itself works offline
    page.locator("#code-input").fill(meeting["typed"].code)
    page.locator("#code-form button[type=submit]").click()
    expect(page.locator("#loading")).to_be_visible()
    page.wait_for_timeout(1500)
    expect(page.locator("#ballot")).to_be_hidden()
    expect(page.locator("#event-meta")).to_be_hidden()
    # Card A's lookup is still kept, only under the hash of A's secret.
    digest = hashlib.sha256(meeting["bound"].token.encode()).hexdigest()
    keys = page.evaluate("Object.keys(localStorage)")
    assert [k for k in keys if k.startswith("pingyi.ballot.lookup.")] == [
        f"pingyi.ballot.lookup.{digest}"
    ]

    context.set_offline(False)  # back online, card B opens as usual
    expect(page.locator("#track-0")).to_be_visible(timeout=20_000)
    expect(page.locator("#event-meta")).to_contain_text("列席人员")
    expect(unit(page, 0, "华龙区")).not_to_have_class(re.compile(r"\bbound\b"))


@pytest.mark.django_db
def test_service_worker_is_served_for_the_ballot_scope(client: Any) -> None:
    response = client.get("/b/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/b/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "{{" not in body
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});", body).group(1))  # type: ignore[union-attr]
    assert config["page"] == "/b/"
    modules = [f"/static/{name}" for name in js.module_files("pingyi/ballot.js")]
    assert modules[0] == "/static/pingyi/ballot.js" and len(modules) > 8
    assert config["precache"] == [
        "/b/",
        *modules,
        "/static/pingyi/ballot.css",
        "/static/pingyi/favicon.svg",
    ]
    assert re.fullmatch(r"[0-9a-f]{16}", config["version"])
    # Only GET requests of those paths are answered; every POST goes to the network.
    assert "if (request.method !== 'GET') return null;" in body
    assert client.post("/b/sw.js").status_code == 405


@pytest.mark.browser
def test_not_yet_open_and_closed_screens(
    live_server: Any,
    browser: Browser,
    transactional_db: None,
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    """The ballot's other states, each checked by axe-core: voting not yet open (the ballot
    with its notice), and voting closed (the card's notice)."""
    from playwright.sync_api import expect

    event = make_event()  # a draft
    card = services.tokens_issue(event=event, panel="attendees", count=1)[0]
    context = phone(browser)
    phones.append(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/b/#{card.token}")
    expect(page.locator("#banner")).to_have_class(re.compile(r"banner-info"))
    shot(page, screenshot_dir, "zh-not-open")

    services.event_open(key=event.key)
    services.event_close(key=event.key)
    page.reload()
    expect(page.locator("#notice")).to_have_class(re.compile(r"notice-info"))
    shot(page, screenshot_dir, "zh-closed")
