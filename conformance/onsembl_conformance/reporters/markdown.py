"""The Markdown of requirement sentences, rendered for the HTML report: a tiny, safe subset.

``docs/spec.md`` writes requirement sentences with inline Markdown: code spans
(`` `agent:status` ``), and may use emphasis (``*word*``, ``_word_``) and strong
emphasis (``**word**``). :func:`inline` renders exactly these, and turns every
requirement ID it names (``as in AUTH-3``) into a link to the specification.

Safety: the text is HTML-escaped *first* (``markupsafe.escape``), so the only
tags in the output are the ones added here (``<code>``, ``<em>``, ``<strong>``,
``<a href>`` with an ``href`` the caller builds from the ID). Everything else,
raw HTML included, shows as text. Nothing here is meant for text from the server
under test: that is shown verbatim, sanitised (:mod:`onsembl_conformance.sanitize`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
"""A code span: a run of backticks, the code, the same run (CommonMark's rule)."""

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)
_EM_STAR = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.DOTALL)
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])", re.DOTALL)
"""Underscores emphasise only at word boundaries: ``allowed_origins`` stays a word."""

REQUIREMENT_ID = re.compile(r"\b[A-Z]+-[0-9]+\b")

Linker = Callable[[str], str | None]
"""A requirement ID to the URL of its anchor, or ``None`` to leave it plain text."""


def _prose(text: str, link: Linker | None) -> str:
    """Text outside code spans: escaped, then emphasis and requirement links added."""
    out = str(escape(text))
    out = _STRONG.sub(r"<strong>\1</strong>", out)
    out = _EM_STAR.sub(r"<em>\1</em>", out)
    out = _EM_UNDERSCORE.sub(r"<em>\1</em>", out)
    if link is not None:

        def anchor(match: re.Match[str]) -> str:
            href = link(match.group())
            if href is None:
                return match.group()
            return f'<a class="rid" href="{escape(href)}">{match.group()}</a>'

        out = REQUIREMENT_ID.sub(anchor, out)
    return out


def inline(text: str, link: Linker | None = None) -> Markup:
    """``text`` (inline Markdown) as safe HTML: code spans, emphasis, strong emphasis;
    requirement IDs outside code spans linked through ``link``."""
    parts: list[str] = []
    position = 0
    for match in _CODE.finditer(text):
        parts.append(_prose(text[position : match.start()], link))
        code = match.group(2)
        if code.strip() and code.startswith(" ") and code.endswith(" "):
            code = code[1:-1]  # CommonMark strips one space each side
        parts.append(f"<code>{escape(code)}</code>")
        position = match.end()
    parts.append(_prose(text[position:], link))
    return Markup("".join(parts))  # every piece above is escaped
