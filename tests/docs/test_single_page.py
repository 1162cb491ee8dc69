"""The self-contained single page (``docs/reference/index.html``) in a real browser: it
loads without errors and without fetching anything, every link on it resolves to an
element of the page, every requirement ID links to the requirement, and it is usable at
375 px, 420 px and 1280 px: no sideways scroll of the page (tables scroll in their own
box) and, below 800 px, the navigation above the content instead of beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.docs.docs_support import HEIGHT, REPO, PageLog, overflow, shot_name

from onsembl_spec.spec import requirements

PAGE = REPO / "docs" / "reference" / "index.html"
SINGLE_PAGE_WIDTHS = (375, 420, 1280)

_LAYOUT = """() => {
  const box = e => e.getBoundingClientRect();
  const nav = box(document.querySelector('nav')), main = box(document.querySelector('main'));
  return {
    nav: {left: nav.left, width: nav.width, bottom: nav.bottom},
    main: {left: main.left, width: main.width, top: main.top},
    tables: Array.from(document.querySelectorAll('.table-wrap'),
                       w => ({right: box(w).right, scroll: w.scrollWidth, client: w.clientWidth})),
    unwrapped: document.querySelectorAll('table').length
               - document.querySelectorAll('.table-wrap > table').length,
  };
}"""


@pytest.fixture(scope="module")
def page_url(serve: Callable[[Path], str]) -> str:
    return serve(PAGE.parent) + PAGE.name


@pytest.mark.parametrize("width", SINGLE_PAGE_WIDTHS)
def test_single_page_fits_the_screen(
    browser: Any, page_url: str, artifacts: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(page_url, wait_until="networkidle")
        assert log.take() == []
        assert requested == [page_url]  # self-contained: nothing else is fetched
        sizes = overflow(page)
        assert sizes["scroll"] <= sizes["inner"], sizes
        layout = page.evaluate(_LAYOUT)
        assert layout["unwrapped"] == 0
        for table in layout["tables"]:
            assert table["right"] <= width + 0.5, table  # a wide table scrolls in its box
        if width < 800:
            # The navigation sits above the content, which has the whole width.
            assert layout["nav"]["bottom"] <= layout["main"]["top"] + 1
            assert layout["main"]["width"] >= width * 0.9
        else:
            assert layout["nav"]["width"] <= width / 4
        page.screenshot(path=str(artifacts / f"single-{shot_name('index.html', width)}"))
        page.goto(page_url + "#AUTH-3")
        target = page.locator("#AUTH-3").bounding_box()
        assert target is not None and 0 <= target["y"] < HEIGHT / 2
        page.screenshot(path=str(artifacts / f"single-{shot_name('AUTH-3', width)}"))
        page.goto(page_url + "#command-request")
        page.screenshot(path=str(artifacts / f"single-{shot_name('command-request', width)}"))
    finally:
        context.close()


def test_every_link_of_the_single_page_resolves(browser: Any, page_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": HEIGHT})
    page = context.new_page()
    try:
        page.goto(page_url, wait_until="networkidle")
        found = page.evaluate("""() => ({
            ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
            links: Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href')),
            requirementLinks: Array.from(document.querySelectorAll('a.req-link, a.req-id'),
                                         a => [a.textContent, a.getAttribute('href')]),
        })""")
    finally:
        context.close()
    ids = set(found["ids"])
    assert len(found["ids"]) == len(ids), "duplicate ids"
    assert [link for link in found["links"] if not link.startswith("#")] == []
    assert [link for link in found["links"] if link[1:] not in ids] == []
    # Every requirement has its anchor, and each ID shown as a link points at it.
    assert set(requirements()) <= ids
    assert len(found["requirementLinks"]) > len(requirements())
    for text, href in found["requirementLinks"]:
        assert href == f"#{text}", (text, href)
