"""The HTML report people act on (issue 14, part 2).

A run of real check functions (no server: they raise what checks raise) gives a
summary with failures, an error, a pass and a skip; the page is parsed strictly
(the generator tests' ``StrictParser``), and its order, jump links, Markdown,
links into the specification and escaping of hostile server text are asserted.
At 375 px, in a real browser when Chromium is installed, the page is no wider
than the screen.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest

from onsembl_conformance.baseline import Baseline, BaselineEntry
from onsembl_conformance.context import CheckContext, SuiteConfig
from onsembl_conformance.engine import Engine
from onsembl_conformance.errors import CheckFailure, CheckSkipped
from onsembl_conformance.events import RunFinished, RunSummary
from onsembl_conformance.registry import CheckSpec
from onsembl_conformance.reporters import HtmlReporter
from onsembl_conformance.reporters.html import DOCS_URL_ENV, render_html, spec_href
from onsembl_conformance.reporters.markdown import inline
from onsembl_spec.profile import Profile
from onsembl_spec.spec import requirement, requirements

REPO = Path(__file__).resolve().parents[2]
TOKEN = jwt.encode({"sub": "alice", "exp": 4102444800}, "k" * 32, algorithm="HS256")
HOSTILE = f'<script>alert("x")</script>\x1b[2K\r\x1b[32mCONFORMANT (exit 0)\x1b[0m {TOKEN}'


def _strict_parser_module() -> ModuleType:
    """``tests/generator/test_docs.py``, whose ``StrictParser`` checks the generated page."""
    path = REPO / "tests" / "generator" / "test_docs.py"
    spec = importlib.util.spec_from_file_location("generator_test_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


StrictParser: Any = _strict_parser_module().StrictParser


async def _fails_markdown(ctx: CheckContext) -> None:
    """Refuses a NumericDate that is not finite."""
    ctx.transcript.note(f"received {HOSTILE}")
    raise CheckFailure("AUTH-12", "close 1008", HOSTILE)


async def _fails_on_the_way(ctx: CheckContext) -> None:
    """A check of AUTH-5 that sees AUTH-3 broken."""
    raise CheckFailure("AUTH-3", "close 1008 without a message", "close 1000")


async def _bug(ctx: CheckContext) -> None:
    raise KeyError("agentId <b>")


async def _passes(ctx: CheckContext) -> None:
    return None


async def _skips(ctx: CheckContext) -> None:
    raise CheckSkipped("needs a private server")


def _spec(name: str, function: Any, *ids: str) -> CheckSpec:
    return CheckSpec(name, ids, frozenset(), function, function.__doc__ or name)


def run_summary(tmp_path: Path, *, tool: str | None = None) -> RunSummary:
    config = SuiteConfig(
        url="ws://127.0.0.1:1/ws",
        secret="s",
        profile=Profile(),
        seed=7,
        transcripts_dir=tmp_path / "transcripts",
    )
    checks = [
        _spec("numeric_dates", _fails_markdown, "AUTH-12"),  # breaks AUTH-12 (later in the spec)
        _spec("kit/bug", _bug, "AUTH-4"),
        _spec("wrong_signature", _fails_on_the_way, "AUTH-5"),  # breaks AUTH-3
        _spec("expired", _passes, "AUTH-6"),
        _spec("rates", _skips, "RATE-1"),
    ]
    baseline = Baseline((BaselineEntry("AUTH-12", "known"),))
    summary = asyncio.run(Engine(config, [], jobs=1, baseline=baseline).run(checks))
    if tool is not None:
        summary.tool = tool
    return summary


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    tmp = tmp_path_factory.mktemp("html")
    summary = run_summary(tmp)
    HtmlReporter(tmp / "r.html", docs_url="").handle(RunFinished(summary))  # relative links
    html = (tmp / "r.html").read_text(encoding="utf-8")
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    return html, parser


def test_the_page_parses_strictly_and_is_self_contained(report: tuple[str, Any]) -> None:
    html, parser = report
    assert html.startswith("<!DOCTYPE html>")
    assert parser.errors == [] and parser.stack == []
    assert parser.external == []  # no script, style sheet, image or frame from anywhere
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_every_jump_link_resolves_and_the_others_go_to_the_spec(report: tuple[str, Any]) -> None:
    _, parser = report
    internal = [link for link in parser.links if link.startswith("#")]
    assert "#failure-numeric_dates" in internal and "#error-kit-bug" in internal
    for link in internal:
        assert link[1:] in parser.ids, link
    for link in parser.links:
        if not link.startswith("#"):
            page, anchor = link.split("#")
            assert page == "spec.html" and anchor in requirements(), link


def test_verdict_then_failures_then_errors_then_the_requirements(report: tuple[str, Any]) -> None:
    html, _ = report
    marks = [
        "NOT CONFORMANT",
        'href="#failure-wrong_signature"',  # the jump list, failures in spec order
        'href="#failure-numeric_dates"',
        'href="#error-kit-bug"',
        'id="failure-wrong_signature"',  # AUTH-3 comes before AUTH-12 in docs/spec.md
        'id="failure-numeric_dates"',
        'id="error-kit-bug"',
        'id="requirements"',
        'id="skipped"',
    ]
    positions = [html.find(mark) for mark in marks]
    assert -1 not in positions, dict(zip(marks, positions, strict=True))
    assert positions == sorted(positions), dict(zip(marks, positions, strict=True))
    assert "Errors: no verdict, not failures of the server" in html


def _article(html: str, anchor: str) -> str:
    match = re.search(rf'<article [^>]*id="{anchor}">(.*?)</article>', html, re.DOTALL)
    assert match, anchor
    return match.group(1)


def test_a_failure_shows_what_to_act_on(report: tuple[str, Any]) -> None:
    html, _ = report
    article = _article(html, "failure-numeric_dates")
    assert '<a class="rid" href="spec.html#AUTH-12">AUTH-12</a>' in article
    assert "expected (baseline)" in article
    assert "<dt>Expected</dt><dd>close 1008</dd>" in article
    assert "<dt>Actual</dt>" in article and '<pre class="exchange">' in article
    assert "onsembl replay " in article and "numeric_dates-7.json" in article
    # the requirement's sentence, its Markdown rendered: code spans, IDs linked
    assert "<code>NaN</code>" in article and "`NaN`" not in article
    assert '<a class="rid" href="spec.html#REFRESH-4">REFRESH-4</a>' in article
    other = _article(html, "failure-wrong_signature")
    assert "This check verifies AUTH-5; on the way the server broke AUTH-3" in other
    error = _article(html, "error-kit-bug")
    assert "kit-error" in error and "This is no verdict on" in error
    assert "KeyError" in error and "agentId &lt;b&gt;" in error


def test_hostile_server_text_is_escaped_and_sanitised(report: tuple[str, Any]) -> None:
    html, _ = report
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert TOKEN not in html and "[JWT redacted]" in html
    assert "\x1b" not in html and "\r" not in html
    assert "\\x1b[32mCONFORMANT (exit 0)" in html


def test_passing_and_unchecked_areas_are_collapsed(report: tuple[str, Any]) -> None:
    html, _ = report
    assert '<details class="area" id="area-AUTH" open>' in html  # holds failures
    assert '<details class="area" id="area-RATE">' in html  # nothing failed: collapsed
    assert html.count('<details class="area"') == len({r.area for r in requirements().values()})
    row = re.search(r'<tr class="failed" id="AUTH-3">(.*?)</tr>', html, re.DOTALL)
    assert row and '<a href="#failure-wrong_signature">wrong_signature</a>' in row.group(1)
    assert '<tr class="passed" id="AUTH-6">' in html


def test_ids_link_into_the_docs_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = run_summary(tmp_path)
    html = render_html(summary, docs_url="https://docs.example/onsembl")
    assert 'href="https://docs.example/onsembl/spec.html#AUTH-12"' in html
    assert 'href="spec.html#' not in html
    monkeypatch.setenv(DOCS_URL_ENV, "https://env.example/")
    assert 'href="https://env.example/spec.html#AUTH-12"' in render_html(summary)
    assert spec_href("AUTH-3", "https://x.example/s/{id}.html") == "https://x.example/s/AUTH-3.html"
    monkeypatch.delenv(DOCS_URL_ENV)
    assert spec_href("AUTH-3") == "spec.html#AUTH-3"


def test_a_client_run_is_shown_as_such(tmp_path: Path) -> None:
    html = render_html(run_summary(tmp_path, tool="onsembl check-client"), docs_url="")
    assert "<h1>onsembl check-client: " in html
    assert "not failures of the client" in html


def test_markdown_renderer() -> None:
    link = lambda rid: f"spec.html#{rid}"  # noqa: E731
    assert inline("`a<b>` *em* **strong** _u_ snake_case_name", link) == (
        "<code>a&lt;b&gt;</code> <em>em</em> <strong>strong</strong> <em>u</em> snake_case_name"
    )
    assert inline("<img src=x onerror=alert(1)> & AUTH-3") == (
        "&lt;img src=x onerror=alert(1)&gt; &amp; AUTH-3"
    )
    assert inline("as in AUTH-3, not `AUTH-4`", link) == (
        'as in <a class="rid" href="spec.html#AUTH-3">AUTH-3</a>, not <code>AUTH-4</code>'
    )
    assert inline("`` a`b ``") == "<code>a`b</code>"
    assert inline("2*3*4 and a * b") == "2*3*4 and a * b"
    assert inline(requirement("AUTH-1").text).count("<code>") == 3


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
def test_no_horizontal_scroll_at_375_px(tmp_path: Path) -> None:
    """The report in a 375 px frame, every <details> open: nothing wider than the frame."""
    summary = run_summary(tmp_path)
    (tmp_path / "r.html").write_text(render_html(summary, docs_url=""), encoding="utf-8")
    (tmp_path / "frame.html").write_text(
        '<!DOCTYPE html><html><body><iframe id="f" src="r.html" '
        'style="width:375px;height:700px;border:0"></iframe><script>'
        'document.getElementById("f").onload = function () {'
        " var d = this.contentDocument;"
        ' d.querySelectorAll("details").forEach(function (x) { x.open = true; });'
        ' document.body.setAttribute("data-width", d.documentElement.scrollWidth + " "'
        " + d.documentElement.clientWidth);"
        "};</script></body></html>",
        encoding="utf-8",
    )
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=800,800", "--virtual-time-budget=5000",
         "--dump-dom", (tmp_path / "frame.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    match = re.search(r'data-width="(\d+) (\d+)"', done.stdout)
    assert match, done.stdout[-2000:] + done.stderr[-2000:]
    scroll, client = int(match.group(1)), int(match.group(2))
    assert 300 < client <= 375 and scroll <= client, (scroll, client)
