"""The reference as one self-contained HTML page (``docs/reference/index.html``).

Rendered with jinja2 (autoescaping on) from the same model as the Markdown
pages; styles are inline and the flows are inline SVG, so the page needs no
other file.
"""

from __future__ import annotations

import re

import jinja2
import markupsafe

from onsembl_spec.generator.flows import FLOWS, svg
from onsembl_spec.generator.model import MessageDoc

HTML_PATH = "docs/reference/index.html"


_CODE = re.compile(r"`([^`]+)`")


def inline_code(text: str) -> markupsafe.Markup:
    """Escape ``text`` and show its `backticked` spans as ``<code>``."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_CODE.sub(r"<code>\1</code>", escaped))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("onsembl_spec.generator", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["code"] = inline_code
    return environment


def html_page(docs: list[MessageDoc], header: str, source_hash: str) -> str:
    """The single-page HTML reference."""
    template = _environment().get_template("reference.html.j2")
    text = template.render(
        header=markupsafe.Markup(header.strip()),
        docs=docs,
        flows=FLOWS,
        svgs={flow.key: svg(flow) for flow in FLOWS},
        source_hash=source_hash,
    )
    return text.rstrip("\n") + "\n"
