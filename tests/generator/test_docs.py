"""The generated reference: Markdown pages, the HTML page, the flows.

The HTML page must parse as well-formed markup (every element closed in
order, no external resource) and cover every type; the Markdown pages must
carry the fields, examples and requirement IDs of their type.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator import generate_all
from onsembl_spec.generator.flows import FLOWS, Flow, Step, check_flows, mermaid, svg
from onsembl_spec.generator.html_docs import HTML_PATH
from onsembl_spec.generator.markdown_docs import REFERENCE_DIR
from onsembl_spec.generator.model import catalogue_ids
from onsembl_spec.generator.source import load_sources
from onsembl_spec.schemas import bundled
from onsembl_spec.spec import requirements

VOID = {"meta", "link", "br", "img", "hr", "input", "source", "wbr", "col", "area", "base"}
SVG_EMPTY = {"path", "line", "rect", "circle"}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return generate_all(load_sources())


class StrictParser(HTMLParser):
    """Checks that elements nest and close properly; collects ids, links and sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        target = values.get("src") or values.get("href") or ""
        local = target.startswith("data:") and tag == "link"  # the empty favicon
        if not local and (values.get("src") is not None or tag in ("link", "script", "img",
                                                                    "iframe")):
            self.external.append(f"<{tag}> {values}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_EMPTY:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_page_is_well_formed_and_self_contained(files: dict[str, str]) -> None:
    html = files[HTML_PATH]
    assert html.startswith("<!DOCTYPE html>")
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    assert parser.external == []  # no scripts, images or style sheets from elsewhere
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    for link in parser.links:
        assert link.startswith("#") and link[1:] in parser.ids, link
    text = "".join(parser.text)
    for message_type in bundled().types:
        assert message_type in text
    assert html.count("<svg") == len(FLOWS)


def test_html_escapes_schema_text(files: dict[str, str]) -> None:
    html = files[HTML_PATH]
    # The timestamp pattern holds "<" nowhere, but "(?!0000)" and quotes: check quotes.
    assert "&#34;stdout&#34;" in html or "&quot;stdout&quot;" in html


@pytest.mark.parametrize("message_type", bundled().types)
def test_markdown_page_of_each_type(files: dict[str, str], message_type: str) -> None:
    schemas = bundled()
    page = files[f"{REFERENCE_DIR}/{message_type.replace(':', '-')}.md"]
    assert page.startswith("<!-- Generated from schemas")
    assert f"# `{message_type}`" in page
    assert "**Sent by:** " + ", ".join(schemas.senders(message_type)) in page
    assert "**Received by:** " + ", ".join(schemas.receivers(message_type)) in page
    for name in schemas.by_type[message_type]["properties"]:
        assert f"| `{name}` |" in page, name
    for example in schemas.by_type[message_type]["examples"]:
        assert json.dumps(example, indent=2, ensure_ascii=False) in page
    cited = set(re.findall(r"^- \[\*\*([A-Z]+-\d+)\*\*\]\(\.\./spec\.md#[a-z0-9-]+\)", page, re.M))
    catalogue = catalogue_ids(load_sources().spec_text)[message_type]
    assert set(catalogue) & set(requirements()) <= cited
    for rid, requirement in requirements().items():
        if f"`{message_type}`" in requirement.text:
            assert rid in cited, rid
    assert cited <= set(requirements())


def test_catalogue_ranges_are_expanded() -> None:
    ids = catalogue_ids("| `command:request` | dashboard | server | CMD-1 to CMD-3, TEN-4 |\n")
    assert ids == {"command:request": ["CMD-1", "CMD-2", "CMD-3", "TEN-4"]}


def test_markdown_tables_have_consistent_columns(files: dict[str, str]) -> None:
    for path, text in files.items():
        if not path.endswith(".md"):
            continue
        for line in text.splitlines():
            if line.startswith("|"):
                cells = re.split(r"(?<!\\)\|", line)[1:-1]
                header_cells = 5 if "| field |" in text else 4
                if path.endswith(("README.md",)):
                    header_cells = 4
                assert len(cells) == header_cells, (path, line)


def test_index_links_every_page(files: dict[str, str]) -> None:
    index = files[f"{REFERENCE_DIR}/README.md"]
    for message_type in bundled().types:
        target = f"{message_type.replace(':', '-')}.md"
        assert f"]({target})" in index
        assert f"{REFERENCE_DIR}/{target}" in files


def test_flows_are_mermaid_and_svg(files: dict[str, str]) -> None:
    page = files[f"{REFERENCE_DIR}/flows.md"]
    assert page.count("```mermaid") == len(FLOWS) == 3
    for flow in FLOWS:
        diagram = mermaid(flow)
        assert diagram in page
        assert diagram.count("->>") == len(flow.steps)
        picture = svg(flow)
        assert picture.count('class="message"') == len(flow.steps)
    keys = {flow.key for flow in FLOWS}
    assert keys == {"connect", "command-lifecycle", "refresh"}


def test_flow_steps_follow_the_schema_roles() -> None:
    check_flows(bundled())
    wrong = Flow("bad", "Bad", "", (), (Step("agent", "server", "command:request"),))
    with pytest.raises(GeneratorError, match="agent may not send command:request"):
        check_flows(bundled(), (wrong,))


def _first_lines(files: dict[str, Any]) -> list[str]:
    return [text.splitlines()[0] for text in files.values()]


def test_docs_header_names_the_docs_hash(files: dict[str, str]) -> None:
    docs_hash = load_sources().docs_hash
    for path, text in files.items():
        if path.startswith(REFERENCE_DIR):
            assert docs_hash in "\n".join(text.splitlines()[:2]), path


def test_array_rows_name_their_items(files: dict[str, str]) -> None:
    batch = files[f"{REFERENCE_DIR}/batch.md"]
    assert "| `messages` | array of message (any type but `batch`) | yes | 1 to 100 items" in batch
    agents = files[f"{REFERENCE_DIR}/agent-list.md"]
    assert "| `agents` | array of object (agentSummary) |" in agents
    assert "| `agents[].status` |" in agents
    request = files[f"{REFERENCE_DIR}/command-request.md"]
    assert "| `args[]` | string | no | at most 4096 characters |" in request
