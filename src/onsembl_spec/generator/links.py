"""Where a requirement, a check or a message type lives in the docs site, and ID links.

The site (``onsembl generate`` writes its sources under ``docs/site/``,
``mkdocs build`` turns them into HTML; :mod:`onsembl_spec.generator.site`)
uses plain file URLs (``use_directory_urls: false``), so these addresses
work served and opened from disk alike:

* a requirement: ``spec.html#AUTH-3`` (the anchor is the ID itself);
* the row of a requirement in the coverage table: ``coverage.html#AUTH-3``;
* a check: ``coverage.html#check-<name>`` (``onsembl check``) or
  ``coverage.html#client-check-<name>`` (``onsembl check-client``);
* a message type: ``messages/<slug>.html`` (``agent:connect`` -> ``agent-connect``).

Other outputs (the HTML report, a CI comment) link a requirement with
:func:`requirement_url`, giving the site's address as ``base`` or through
``$ONSEMBL_DOCS_URL``; without either the URL is relative to the site's root.
:func:`link_ids_markdown` and :func:`link_ids_html` turn the requirement IDs
of a text into links, leaving code, existing links and markup alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container

DOCS_URL_ENV = "ONSEMBL_DOCS_URL"
"""Environment variable: the address the site is published at (``https://.../``)."""

SPEC_PAGE = "spec.html"
COVERAGE_PAGE = "coverage.html"
MESSAGES_DIR = "messages"

_ID = re.compile(r"[A-Z]+-[0-9]+")
_ID_IN_TEXT = re.compile(r"(?<![\w/#-])([A-Z]+-[0-9]+)(?![\w-])")
_CHECK_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def requirement_anchor(req_id: str) -> str:
    """The fragment of a requirement on the spec page: the ID itself (``AUTH-3``)."""
    if not _ID.fullmatch(req_id):
        raise ValueError(f"not a requirement ID: {req_id!r}")
    return req_id


def _base(base: str | None) -> str:
    if base is None:
        base = os.environ.get(DOCS_URL_ENV, "")
    if base and not base.endswith("/"):
        base += "/"
    return base


def requirement_url(req_id: str, base: str | None = None) -> str:
    """The address of a requirement in the site: ``{base}spec.html#AUTH-3``.

    ``base`` is where the site is published (``https://example.org/onsembl/``);
    ``None`` reads ``$ONSEMBL_DOCS_URL``, and without it the URL is relative to
    the site's root.
    """
    return f"{_base(base)}{SPEC_PAGE}#{requirement_anchor(req_id)}"


def coverage_url(req_id: str, base: str | None = None) -> str:
    """The row of a requirement in the coverage table: ``{base}coverage.html#AUTH-3``."""
    return f"{_base(base)}{COVERAGE_PAGE}#{requirement_anchor(req_id)}"


def check_anchor(name: str, client: bool = False) -> str:
    """The fragment of a check in the coverage page's list of checks."""
    if not _CHECK_NAME.fullmatch(name):
        raise ValueError(f"not a check name: {name!r}")
    return f"client-check-{name}" if client else f"check-{name}"


def check_url(name: str, client: bool = False, base: str | None = None) -> str:
    """The address of a check: ``{base}coverage.html#check-<name>`` (``client-check-`` for
    a check of ``onsembl check-client``)."""
    return f"{_base(base)}{COVERAGE_PAGE}#{check_anchor(name, client)}"


def message_slug(message_type: str) -> str:
    """File-name form of a type: ``agent:connect`` -> ``agent-connect``."""
    return message_type.replace(":", "-")


def message_url(message_type: str, base: str | None = None) -> str:
    """The page of a message type: ``{base}messages/agent-connect.html``."""
    return f"{_base(base)}{MESSAGES_DIR}/{message_slug(message_type)}.html"


# Markdown a requirement ID must not be linked inside: code spans, links and
# images, autolinks and inline HTML tags.
_PROTECTED_MARKDOWN = re.compile(
    r"(?P<ticks>`+).+?(?P=ticks)"
    r"|!?\[(?:[^\]\\]|\\.)*\]\([^)]*\)"
    r"|<[^>\n]*>"
)
_FENCE = re.compile(r"^\s*(```|~~~)")


def _link_plain(text: str, href: Callable[[str], str], known: Container[str], html: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        req_id = match.group(1)
        if req_id not in known:
            return req_id
        if html:
            return f'<a class="req-link" href="{href(req_id)}">{req_id}</a>'
        return f"[{req_id}]({href(req_id)})"

    return _ID_IN_TEXT.sub(replace, text)


def link_ids_markdown(text: str, href: Callable[[str], str], known: Container[str]) -> str:
    """``text`` (Markdown) with each known requirement ID a link to ``href(id)``.

    Fenced code blocks, code spans, links, images and inline HTML are left as
    they are; IDs not in ``known`` (``UTF-8``, ``RFC-6455``) too.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1) == fence:
                fence = None
            out.append(line)
            continue
        if opener:
            fence = opener.group(1)
            out.append(line)
            continue
        parts: list[str] = []
        position = 0
        for protected in _PROTECTED_MARKDOWN.finditer(line):
            parts.append(_link_plain(line[position : protected.start()], href, known, False))
            parts.append(protected.group(0))
            position = protected.end()
        parts.append(_link_plain(line[position:], href, known, False))
        out.append("".join(parts))
    return "\n".join(out)


_TAG = re.compile(r"<[^>]*>")
_SKIPPED_ELEMENTS = ("a", "code", "pre", "script", "style")


def link_ids_html(html: str, href: Callable[[str], str], known: Container[str]) -> str:
    """``html`` (markup, text already escaped) with each known requirement ID a link.

    IDs inside ``<a>``, ``<code>``, ``<pre>``, ``<script>`` and ``<style>``
    and inside tags themselves are left alone. Each link has the class
    ``req-link``.
    """
    out: list[str] = []
    depth = dict.fromkeys(_SKIPPED_ELEMENTS, 0)
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        skip = any(depth.values())
        out.append(text if skip else _link_plain(text, href, known, True))
        out.append(tag.group(0))
        position = tag.end()
        name = re.match(r"</?\s*([A-Za-z0-9]+)", tag.group(0))
        if name is None or tag.group(0).endswith("/>"):
            continue
        element = name.group(1).lower()
        if element in depth:
            if tag.group(0).startswith("</"):
                depth[element] = max(0, depth[element] - 1)
            else:
                depth[element] += 1
    tail = html[position:]
    out.append(tail if any(depth.values()) else _link_plain(tail, href, known, True))
    return "".join(out)
