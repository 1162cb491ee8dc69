"""The docs site in a real browser: built by MkDocs, served on loopback, driven in headless
Chromium. Every page loads without console errors, every internal link resolves (page
and anchor), the search finds a requirement ID, and no page scrolls sideways at 375 px
or 1280 px. Screenshots of every page at both widths go to the artifacts directory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest
from tests.docs.docs_support import HEIGHT, WIDTHS, PageLog, overflow, shot_name

from onsembl_spec.generator.links import check_url, coverage_url, requirement_url

_COLLECT = """() => ({
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id)
       .concat(Array.from(document.querySelectorAll('a[name]'), e => e.name)),
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
})"""


@dataclass
class Crawl:
    """Every page of the site as loaded at one width."""

    base: str
    pages: list[str]
    problems: dict[str, list[str]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    overflow: dict[str, dict[str, int]] = field(default_factory=dict)


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def crawl(browser: Any, base: str, pages: list[str], width: int, artifacts: Path) -> Crawl:
    result = Crawl(base, pages)
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    try:
        for path in pages:
            page.goto(base + path, wait_until="networkidle")
            found = page.evaluate(_COLLECT)
            result.ids[path] = set(found["ids"])
            result.links[path] = found["links"]
            result.overflow[path] = overflow(page)
            page.screenshot(path=str(artifacts / f"site-{shot_name(path, width)}"))
            result.problems[path] = log.take()
    finally:
        context.close()
    return result


@pytest.fixture(scope="module")
def site_url(built_site: Path, serve: Callable[[Path], str]) -> str:
    return serve(built_site)


@pytest.fixture(scope="module")
def crawls(browser: Any, built_site: Path, site_url: str, artifacts: Path) -> dict[int, Crawl]:
    pages = site_pages(built_site)
    return {width: crawl(browser, site_url, pages, width, artifacts) for width in WIDTHS}


def test_the_site_has_every_page(built_site: Path) -> None:
    pages = set(site_pages(built_site))
    for expected in ("index.html", "spec.html", "flows.html", "coverage.html", "diff.html",
                     "changelog.html", "messages/index.html", "messages/agent-connect.html",
                     "messages/command-request.html"):  # fmt: skip
        assert expected in pages


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_loads_without_console_errors(crawls: dict[int, Crawl], width: int) -> None:
    problems = {path: found for path, found in crawls[width].problems.items() if found}
    assert problems == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(crawls: dict[int, Crawl], width: int) -> None:
    wide = {
        path: sizes
        for path, sizes in crawls[width].overflow.items()
        if sizes["scroll"] > sizes["inner"]
    }
    assert wide == {}, "document.documentElement.scrollWidth > innerWidth"


def test_every_internal_link_resolves(crawls: dict[int, Crawl], built_site: Path) -> None:
    site = crawls[WIDTHS[-1]]
    broken: list[str] = []
    checked = 0
    for path, links in site.links.items():
        for link in links:
            if not link.startswith(site.base):
                continue  # another site (none expected but the theme's own)
            target, fragment = urldefrag(link)
            relative = unquote(target[len(site.base):]) or "index.html"
            checked += 1
            if relative.endswith("/"):
                relative += "index.html"
            if relative not in site.ids:
                if not (built_site / relative).is_file():
                    broken.append(f"{path}: {link} (no such file)")
                continue
            if fragment and unquote(fragment) not in site.ids[relative]:
                broken.append(f"{path}: {link} (no element with id {unquote(fragment)!r})")
    assert checked > 1000
    assert broken == []


def test_the_addresses_links_gives_out_exist(crawls: dict[int, Crawl]) -> None:
    """``links.requirement_url`` and friends name pages and anchors the site has."""
    site = crawls[WIDTHS[-1]]
    for url in (requirement_url("AUTH-3", base=""), coverage_url("AUTH-3", base=""),
                check_url("no_token", base=""), requirement_url("CLIENT-1", base="")):  # fmt: skip
        page, fragment = url.split("#")
        assert fragment in site.ids[page], url


def test_a_requirement_anchor_shows_the_requirement_and_its_checks(
    browser: Any, site_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": HEIGHT})
    page = context.new_page()
    try:
        page.goto(site_url + "spec.html#AUTH-3", wait_until="networkidle")
        heading = page.locator("h3#AUTH-3")
        box = heading.bounding_box()
        assert box is not None and 0 <= box["y"] < HEIGHT / 2
        # The requirement's section: the heading and what follows up to the next heading.
        section = page.evaluate("""() => {
            const parts = [];
            for (let e = document.getElementById('AUTH-3').nextElementSibling;
                 e && !/^H[1-3]$/.test(e.tagName); e = e.nextElementSibling) parts.push(e);
            return {text: parts.map(e => e.innerText).join('\\n'),
                    links: parts.flatMap(e => Array.from(e.querySelectorAll('a'),
                                                         a => a.getAttribute('href')))};
        }""")
        assert "When no token is present" in section["text"]
        assert "coverage.html#check-no_token" in section["links"]
        assert "coverage.html#AUTH-3" in section["links"]
        check = page.locator('a[href="coverage.html#check-no_token"]').first
        check.click()
        page.wait_for_url("**/coverage.html#check-no_token")
        row = page.locator("tr", has=page.locator("#check-no_token"))
        assert row.is_visible()
        row_box = row.bounding_box()
        assert row_box is not None and 0 <= row_box["y"] < HEIGHT
    finally:
        context.close()


def search(page: Any, query: str) -> list[str]:
    """Type ``query`` into the site search; the fragments (or pages) of the results."""
    if not page.locator("input.md-search__input").is_visible():
        page.locator('label.md-search__icon[for="__search"]').first.click()
    field = page.locator("input.md-search__input")
    field.focus()
    field.fill("")
    field.press_sequentially(query, delay=20)
    # Results are shown as the query is typed: wait for those of the whole query (the
    # highlight parameter of their links names every term).
    terms = [term.lower() for term in re.split(r"[\s-]+", query) if term]
    page.wait_for_function(
        """terms => Array.from(document.querySelectorAll('.md-search-result__item a'))
             .some(a => { const h = new URL(a.href).searchParams.get('h') || '';
                          return terms.every(t => h.split(' ').includes(t)); })""",
        arg=terms, timeout=15000,
    )  # fmt: skip
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [href.split("#", 1)[1] if "#" in href else href.split("?")[0] for href in hrefs]


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_a_requirement_id(
    browser: Any, site_url: str, artifacts: Path, width: int
) -> None:
    """The ID's own section is the first result after its page; an ID whose number is a
    prefix of others' (HB-1: lunr searches "hb* 1*") is among the results."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    log = PageLog()
    log.attach(page)
    try:
        page.goto(site_url + "index.html", wait_until="networkidle")
        found = search(page, "AUTH-13")
        assert found[:2] == [site_url + "spec.html", "AUTH-13"], found[:5]
        page.screenshot(path=str(artifacts / f"site-search-{width}.png"))
        for req_id in ("CLIENT-11", "HB-1", "TYPE-7"):
            assert req_id in search(page, req_id)
        # (at 375 px the results scroll in an overlay that Playwright cannot scroll)
        page.locator('.md-search-result__item a[href$="#TYPE-7"]').first.evaluate("a => a.click()")
        page.wait_for_url("**/spec.html*#TYPE-7")
        heading = page.locator("#TYPE-7")
        assert heading.is_visible()
        box = heading.bounding_box()
        assert box is not None and 0 <= box["y"] < HEIGHT / 2
        assert log.take() == []
    finally:
        context.close()
