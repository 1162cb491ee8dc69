"""Reference docs in Markdown: one page per message type, an index, and the flows.

Pages are written to ``docs/reference/``: ``README.md`` (the index),
``flows.md`` (Mermaid sequence diagrams) and ``<type>.md`` per message type
(``agent-connect.md``), each with sender and receivers, a fields table,
examples and the requirements of ``docs/spec.md`` that concern the type.
The docs site (:mod:`onsembl_spec.generator.site`) renders its message pages
with the same functions and its own :class:`Linking`. Requirement IDs are
links: here to their section of ``docs/spec.md`` (the anchor a code host
gives its heading), in the site to the requirement's own anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from onsembl_spec.generator.flows import FLOWS, mermaid
from onsembl_spec.generator.links import link_ids_markdown
from onsembl_spec.generator.model import Field, MessageDoc
from onsembl_spec.generator.writer import LineWriter
from onsembl_spec.spec import Requirement

REFERENCE_DIR = "docs/reference"


@dataclass(frozen=True)
class Linking:
    """Where the links of a set of Markdown pages point."""

    spec: str
    """The spec page relative to the pages."""
    known: frozenset[str]
    """The requirement IDs that exist (others are left as text)."""
    index: str = "README.md"
    flows: str = "flows.md"
    schema_prefix: str = "../../"
    """Prefix of a schema file's repository path; empty: shown inline, not linked."""
    sections: Mapping[str, str] | None = None
    """Anchor of each requirement's section, for a spec page without an anchor per
    requirement (``docs/spec.md`` on a code host); ``None``: the ID is the anchor."""

    def requirement(self, req_id: str) -> str:
        if self.sections is not None:
            return f"{self.spec}#{self.sections[req_id]}"
        return f"{self.spec}#{req_id}"

    def ids(self, text: str) -> str:
        """``text`` with its requirement IDs linked."""
        return link_ids_markdown(text, self.requirement, self.known)


REPOSITORY_LINKS_SPEC = "../spec.md"
"""From ``docs/reference/`` to the normative text, whose sections code hosts give anchors."""


def heading_slug(title: str) -> str:
    """The anchor GitHub (and GitLab) give a Markdown heading: ``3. Authentication (AUTH)``
    -> ``3-authentication-auth``."""
    kept = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return kept.replace(" ", "-")


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(roles)


def _field_row(field: Field, links: Linking) -> str:
    name = f"`{field.path}`"
    bounds = "; ".join(field.bounds) or "—"
    return (
        f"| {cell(name)} | {cell(field.type)} | {'yes' if field.required else 'no'} | "
        f"{cell(bounds)} | {cell(links.ids(field.description))} |"
    )


def message_page(
    doc: MessageDoc,
    header: str,
    links: Linking,
    schema_source: Callable[[MessageDoc], str] | None = None,
) -> str:
    """The Markdown page of one message type.

    ``schema_source`` gives the schema's JSON text, shown in a collapsed block
    at the end (the site's pages, which cannot link into the repository).
    """
    w = LineWriter()
    w.lines(header)
    w.line(f"# `{doc.type}`")
    w.line()
    w.line(links.ids(doc.description))
    w.line()
    w.line(f"- **Sent by:** {_roles(doc.senders)}")
    w.line(f"- **Received by:** {_roles(doc.receivers)}")
    if links.schema_prefix:
        w.line(f"- **Schema:** [`{doc.schema_file}`]({links.schema_prefix}{doc.schema_file})")
    else:
        w.line(f"- **Schema:** `{doc.schema_file}` (source below)")
    w.line()
    w.line("## Fields")
    w.line()
    w.line("| field | type | required | bounds | description |")
    w.line("|---|---|---|---|---|")
    for field in doc.fields:
        w.line(_field_row(field, links))
    w.line()
    w.line("Fields not listed are refused (`validation:error` names the first one).")
    w.line()
    w.line("## Examples")
    for example in doc.examples:
        w.line()
        w.line("```json")
        w.lines(example)
        w.line("```")
    w.line()
    w.line("## Requirements")
    w.line()
    if doc.requirements:
        for requirement in doc.requirements:
            w.line(
                f"- [**{requirement.id}**]({links.requirement(requirement.id)}) "
                f"({requirement.level}, {requirement.subject}): {links.ids(requirement.text)}"
            )
    else:
        w.line("No requirement of `docs/spec.md` names this type.")
    if schema_source is not None:
        w.line()
        w.line("## Schema")
        w.line()
        w.line(f'??? note "`{doc.schema_file}`"')
        w.line()
        w.line("    ```json")
        for line in schema_source(doc).splitlines():
            w.line(f"    {line}" if line else "")
        w.line("    ```")
    w.line()
    w.line(f"[All message types]({links.index}) · [Message flows]({links.flows})")
    return w.text()


def index_page(docs: list[MessageDoc], header: str, intro: str) -> str:
    """The index: every type with its roles and summary."""
    w = LineWriter()
    w.lines(header)
    w.line("# Onsembl WebSocket API reference")
    w.line()
    w.line(intro)
    w.line()
    w.line("| type | sent by | received by | description |")
    w.line("|---|---|---|---|")
    for doc in docs:
        w.line(f"| [`{doc.type}`]({doc.slug}.md) | {_roles(doc.senders)} | "
               f"{_roles(doc.receivers)} | {cell(doc.description)} |")
    return w.text()


def flows_page(header: str, links: Linking) -> str:
    """The flows as Mermaid sequence diagrams."""
    w = LineWriter()
    w.lines(header)
    w.line("# Message flows")
    w.line()
    w.line("Generated from the flow definitions of the generator, each step checked "
           "against the schemas' sender and receiver roles.")
    for flow in FLOWS:
        w.line()
        w.line(f"## {flow.title}")
        w.line()
        w.line(flow.summary)
        w.line()
        w.line("Requirements: " + links.ids(", ".join(flow.requirements)) + ".")
        w.line()
        w.line("```mermaid")
        w.lines(mermaid(flow))
        w.line("```")
        w.line()
        types = sorted({step.message_type for step in flow.steps})
        w.line("Messages: " + ", ".join(f"[`{t}`]({t.replace(':', '-')}.md)" for t in types) + ".")
    return w.text()


REPOSITORY_INTRO = (
    "Generated from `schemas/` and `docs/spec.md`. One page per message type; "
    "the [message flows](flows.md) show how they combine; "
    "[`index.html`](index.html) is the same reference as one page. "
    f"Requirement IDs link to their section of [`docs/spec.md`]({REPOSITORY_LINKS_SPEC}); "
    "the docs site (`docs/site/`, see the README) has an anchor per requirement."
)


def markdown_files(
    docs: list[MessageDoc], header: str, requirements: Mapping[str, Requirement]
) -> dict[str, str]:
    """Every Markdown page of ``docs/reference/`` by its path relative to the repository root."""
    sections = {req_id: heading_slug(r.section) for req_id, r in requirements.items()}
    links = Linking(REPOSITORY_LINKS_SPEC, frozenset(requirements), sections=sections)
    files = {f"{REFERENCE_DIR}/README.md": index_page(docs, header, REPOSITORY_INTRO),
             f"{REFERENCE_DIR}/flows.md": flows_page(header, links)}
    for doc in docs:
        files[f"{REFERENCE_DIR}/{doc.slug}.md"] = message_page(doc, header, links)
    return files

