"""Reference docs in Markdown: one page per message type, an index, and the flows.

Pages are written to ``docs/reference/``: ``README.md`` (the index),
``flows.md`` (Mermaid sequence diagrams) and ``<type>.md`` per message type
(``agent-connect.md``), each with sender and receivers, a fields table,
examples and the requirements of ``docs/spec.md`` that concern the type.
"""

from __future__ import annotations

from onsembl_spec.generator.flows import FLOWS, mermaid
from onsembl_spec.generator.model import Field, MessageDoc
from onsembl_spec.generator.writer import LineWriter

REFERENCE_DIR = "docs/reference"


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(roles)


def _field_row(field: Field) -> str:
    name = f"`{field.path}`"
    bounds = "; ".join(field.bounds) or "—"
    return (
        f"| {cell(name)} | {cell(field.type)} | {'yes' if field.required else 'no'} | "
        f"{cell(bounds)} | {cell(field.description)} |"
    )


def message_page(doc: MessageDoc, header: str) -> str:
    """The Markdown page of one message type."""
    w = LineWriter()
    w.lines(header)
    w.line(f"# `{doc.type}`")
    w.line()
    w.line(doc.description)
    w.line()
    w.line(f"- **Sent by:** {_roles(doc.senders)}")
    w.line(f"- **Received by:** {_roles(doc.receivers)}")
    w.line(f"- **Schema:** [`{doc.schema_file}`](../../{doc.schema_file})")
    w.line()
    w.line("## Fields")
    w.line()
    w.line("| field | type | required | bounds | description |")
    w.line("|---|---|---|---|---|")
    for field in doc.fields:
        w.line(_field_row(field))
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
            w.line(f"- **{requirement.id}** ({requirement.level}, {requirement.subject}): "
                   f"{requirement.text}")
    else:
        w.line("No requirement of `docs/spec.md` names this type.")
    w.line()
    w.line("[All message types](README.md) · [Message flows](flows.md)")
    return w.text()


def index_page(docs: list[MessageDoc], header: str) -> str:
    """The index: every type with its roles and summary."""
    w = LineWriter()
    w.lines(header)
    w.line("# Onsembl WebSocket API reference")
    w.line()
    w.line("Generated from `schemas/` and `docs/spec.md`. One page per message type; "
           "the [message flows](flows.md) show how they combine; "
           "[`index.html`](index.html) is the same reference as one page.")
    w.line()
    w.line("| type | sent by | received by | description |")
    w.line("|---|---|---|---|")
    for doc in docs:
        w.line(f"| [`{doc.type}`]({doc.slug}.md) | {_roles(doc.senders)} | "
               f"{_roles(doc.receivers)} | {cell(doc.description)} |")
    return w.text()


def flows_page(header: str) -> str:
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
        w.line("Requirements: " + ", ".join(flow.requirements) + ".")
        w.line()
        w.line("```mermaid")
        w.lines(mermaid(flow))
        w.line("```")
        w.line()
        types = sorted({step.message_type for step in flow.steps})
        w.line("Messages: " + ", ".join(f"[`{t}`]({t.replace(':', '-')}.md)" for t in types) + ".")
    return w.text()


def markdown_files(docs: list[MessageDoc], header: str) -> dict[str, str]:
    """Every Markdown page by its path relative to the repository root."""
    files = {f"{REFERENCE_DIR}/README.md": index_page(docs, header),
             f"{REFERENCE_DIR}/flows.md": flows_page(header)}
    for doc in docs:
        files[f"{REFERENCE_DIR}/{doc.slug}.md"] = message_page(doc, header)
    return files
