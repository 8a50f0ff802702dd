"""Checks any browser test can make on the page it is on: the page fits the phone, axe finds nothing serious,
every id an attribute points at exists, keyboard focus is visible.

    from tests.browser.checks import DESKTOP, PHONE, assert_accessible, assert_fits_viewport
    page.set_viewport_size(PHONE)
    assert_fits_viewport(page)
    assert_accessible(page, "cart list")
"""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SMALLEST_PHONE = {"width": 360, "height": 740}
# axe-core's impact levels; these two fail a test, "moderate" and "minor" are left to review.
FAILING_IMPACTS = frozenset({"serious", "critical"})

AXE = Axe()


def assert_fits_viewport(page: Page) -> None:
    """The page never scrolls sideways: nothing makes the document wider than the window."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} is {widths[0]} px wide in a {widths[1]} px window; wider than the window: "
        f"{_elements_past_the_right_edge(page)}")


def _elements_past_the_right_edge(page: Page) -> list[str]:
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        return [...document.body.querySelectorAll('*')]
            .filter(element => element.getBoundingClientRect().right > width + 0.5)
            .filter(element => !element.parentElement.closest('.table-scroll'))
            .slice(0, 5).map(element => element.outerHTML.slice(0, 120));
    }""")


def assert_accessible(page: Page, screen: str) -> None:
    """axe-core finds no serious or critical violation, and every id reference on the page resolves."""
    results = AXE.run(page)
    failing = [violation for violation in results.response["violations"] if violation["impact"] in FAILING_IMPACTS]
    report = "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in failing)
    assert not failing, f"axe on {screen} ({page.url}):\n{report}"
    assert_id_references_resolve(page, screen)


def assert_id_references_resolve(page: Page, screen: str) -> None:
    """Every aria-describedby, aria-labelledby, aria-controls and label for= names an element that exists."""
    missing = page.evaluate("""() => {
        const missing = [];
        const check = (element, attribute, ids) => ids.split(/\\s+/).filter(Boolean).forEach(id => {
            if (!document.getElementById(id)) missing.push(`${element.tagName.toLowerCase()}[${attribute}] → #${id}`);
        });
        for (const attribute of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
            document.querySelectorAll(`[${attribute}]`).forEach(element => check(element, attribute, element.getAttribute(attribute)));
        }
        document.querySelectorAll('label[for]').forEach(label => check(label, 'for', label.htmlFor));
        return missing;
    }""")
    assert not missing, f"{screen} ({page.url}) points at ids that do not exist: {missing}"


def focused_element_outline(page: Page) -> str:
    """The computed outline of the focused element ('none' when focus would be invisible)."""
    return page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? 'none'
            : `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`;
    }""")


def tab_to(page: Page, target: Locator, *, most: int = 80) -> None:
    """Press Tab until the target has the focus (as a keyboard user would), and check the focus is visible."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            outline = focused_element_outline(page)
            assert outline != "none", f"{target} has the focus but shows no focus outline"
            return
    raise AssertionError(f"{most} presses of Tab never reached {target} on {page.url}")
