"""axe-core over a page in Chromium: the one accessibility check of the browser tests.

``assert_accessible(page, "where")`` injects axe-core (``axe.min.js`` as bundled by the
``axe-playwright-python`` package of the ``[test]`` extra, so a fresh machine gets it from
PyPI with the rest of the lock; no npm, no CDN) and runs its WCAG 2.0/2.1 level A and AA
rules (``wcag2a``, ``wcag2aa``, ``wcag21a``, ``wcag21aa``: what GB/T 37668 asks of government
sites) over the whole document as it is now. Any violation fails the test with one line per
rule and element: the rule, its impact, its help text, the element's selector and axe's own
summary of what to fix.

The script is evaluated through the DevTools protocol, which the page's Content-Security-
Policy (``script-src 'self'``) does not govern, so the page under test keeps its real policy.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: The rule sets run: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {
    version: window.axe.version,
    url: results.url,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        html: n.html,
        summary: n.failureSummary || '',
      })),
    })),
  };
}"""


@cache
def axe_source() -> str:
    """axe-core's ``axe.min.js`` from the installed ``axe_playwright_python`` package."""
    try:
        source = resources.files("axe_playwright_python").joinpath("axe.min.js")
    except ModuleNotFoundError as exc:  # pragma: no cover - the [test] extra is not installed
        raise RuntimeError(
            "axe-core is missing: pip install -r requirements-dev.txt (axe-playwright-python)"
        ) from exc
    return source.read_text(encoding="utf-8")


#: Let finite CSS animations and transitions end (a flash, a bar growing): their colours in
#: between are not the page's; endless ones (a pulsing "Reconnecting…") are left running.
_SETTLE = """() => Promise.all(document.getAnimations()
  .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  .map((a) => a.finished.catch(() => null)))
  .then(() => true)"""


def axe_violations(page: Page) -> dict[str, Any]:
    """Run axe-core's WCAG 2 A/AA rules on ``page``: {version, url, violations}."""
    page.evaluate(_SETTLE)
    if not page.evaluate("() => typeof window.axe === 'object' && !!window.axe.run"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def describe(result: dict[str, Any], where: str) -> str:
    lines = [
        f"axe-core {result['version']}: {len(result['violations'])} WCAG 2 A/AA rule(s) "
        f"violated on {where} ({result['url']}):"
    ]
    for violation in result["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    at {node['target']}: {summary}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    """Fail with a readable list (rule, element, what to fix) if axe-core finds a violation."""
    result = axe_violations(page)
    assert not result["violations"], describe(result, where)
