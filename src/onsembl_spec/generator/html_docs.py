"""The reference as one self-contained HTML page (``docs/reference/index.html``).

Rendered with jinja2 (autoescaping on) from the same model as the Markdown
pages; styles are inline and the flows are inline SVG, so the page needs no
other file and works offline. Besides the message types and the flows it
holds every requirement of ``docs/spec.md`` (an anchor each, ``#AUTH-3``,
with the checks that verify it when the coverage table is known), and every
requirement ID on the page links to it. The layout is responsive: below
800 px the navigation sits above the content, and tables scroll inside their
own box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
import markupsafe

from onsembl_spec.generator.coverage_table import Coverage, CoverageRow
from onsembl_spec.generator.flows import FLOWS, svg
from onsembl_spec.generator.links import link_ids_html
from onsembl_spec.generator.model import MessageDoc
from onsembl_spec.spec import Requirement

HTML_PATH = "docs/reference/index.html"


_CODE = re.compile(r"`([^`]+)`")


def inline_code(text: str) -> markupsafe.Markup:
    """Escape ``text`` and show its `backticked` spans as ``<code>``."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_CODE.sub(r"<code>\1</code>", escaped))


@dataclass(frozen=True)
class Area:
    """The requirements of one section of the spec, for the page's requirements part."""

    anchor: str
    title: str
    requirements: tuple[Requirement, ...]


def areas(requirements: Mapping[str, Requirement]) -> list[Area]:
    """Requirements grouped by their section of ``docs/spec.md``, in the spec's order."""
    grouped: dict[str, list[Requirement]] = {}
    for requirement in requirements.values():
        grouped.setdefault(requirement.section, []).append(requirement)
    return [
        Area(f"area-{members[0].area}", title, tuple(members))
        for title, members in grouped.items()
    ]


def _environment(known: frozenset[str]) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("onsembl_spec.generator", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )

    def linked(text: str) -> markupsafe.Markup:
        """``code`` with each requirement ID a link to its anchor on the page."""
        html = str(inline_code(text))
        return markupsafe.Markup(link_ids_html(html, lambda req_id: f"#{req_id}", known))

    environment.filters["code"] = inline_code
    environment.filters["linked"] = linked
    return environment


def html_page(
    docs: list[MessageDoc],
    header: str,
    source_hash: str,
    requirements: Mapping[str, Requirement],
    coverage: Coverage | None = None,
) -> str:
    """The single-page HTML reference."""
    known = frozenset(requirements)
    template = _environment(known).get_template("reference.html.j2")
    rows: Mapping[str, CoverageRow] = coverage.rows if coverage is not None else {}
    text = template.render(
        header=markupsafe.Markup(header.strip()),
        docs=docs,
        flows=FLOWS,
        svgs={flow.key: svg(flow) for flow in FLOWS},
        source_hash=source_hash,
        areas=areas(requirements),
        coverage=rows,
        has_coverage=coverage is not None,
    )
    return text.rstrip("\n") + "\n"
