"""axe-core in the browser tests: inject the npm package's axe.min.js into a page and run it.

`npm ci --prefix tests/e2e/a11y` installs the pinned axe-core (package-lock.json beside it); the
README's test command does that before pytest.
"""
from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


def run_axe(page, context: str | None = None) -> list[dict]:
    """Run axe-core on `page` (a Playwright Page), or on the element matched by the CSS selector `context`.

    Returns the violations (WCAG 2 A/AA and best-practice rules), each with its id, impact, help text
    and the selectors of the failing nodes; an empty list means none.
    """
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci --prefix tests/e2e/a11y`")
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (scripts from our origin only) still holds.
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """async (context) => {
            const options = {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}};
            const found = await window.axe.run(context ? document.querySelector(context) : document, options);
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 10),
            }));
        }""",
        context,
    )
    return result


def describe(violations: list[dict]) -> str:
    """One line a violation, for a failing assertion's message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in violations)
