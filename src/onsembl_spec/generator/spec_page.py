"""The normative text as a page of the docs site (``docs/site/spec.md``).

``docs/spec.md`` is written for any Markdown reader; the site's copy adds:

* a section per requirement, headed by its ID, which is its anchor
  (``spec.html#AUTH-3``): the site search finds a requirement by its ID, and
  its result leads to the requirement itself;
* under each requirement, the checks that verify it, each a link to its
  entry in the coverage page, and a link to the requirement's coverage row
  (when the coverage table is known);
* every other mention of a requirement ID a link to its anchor, and each type
  of the message catalogue a link to its page;
* continuation paragraphs of other list items indented by four spaces, as
  Python-Markdown (MkDocs) needs them (``docs/spec.md`` indents them by two,
  as CommonMark allows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from onsembl_spec.generator.coverage_table import Coverage, CoverageRow
from onsembl_spec.generator.links import check_anchor, link_ids_markdown, message_slug
from onsembl_spec.spec import Requirement

_REQUIREMENT = re.compile(
    r"^- \*\*(?P<id>[A-Z]+-[0-9]+)\*\* \((?P<level>[A-Z]+), (?P<subject>[a-z]+)\): (?P<text>.+)$"
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_CATALOGUE_TYPE = re.compile(r"^\| `(?P<type>[a-z]+(?::[a-z-]+)?)` \|")


def checks_markdown(row: CoverageRow | None, req_id: str, coverage_page: str) -> str:
    """The "checks" line of a requirement: its checks linked, and its coverage row."""
    row_link = f"[coverage]({coverage_page}#{req_id})"
    if row is None:
        return f"*Checks:* none listed ({row_link})"
    if not row.checks:
        return f"*Checks:* {row.cell} ({row_link})"
    names = []
    for check in row.checks:
        link = f"[`{check.name}`]({coverage_page}#{check_anchor(check.name, check.client)})"
        names.append(f"{link} ({check.roles})" if check.roles else link)
    tool = "`onsembl check-client`" if row.checks[0].client else "`onsembl check`"
    return f"*Checks* ({tool}): {', '.join(names)} ({row_link})"


def spec_page(
    spec_text: str,
    requirements: Mapping[str, Requirement],
    coverage: Coverage | None,
    message_types: tuple[str, ...],
    header: str,
) -> str:
    """``docs/spec.md`` with requirement anchors, ID links and checks (module doc)."""
    known = frozenset(requirements)

    def href(req_id: str) -> str:
        return f"#{req_id}"

    out: list[str] = [header.rstrip("\n")]
    fence: str | None = None
    requirement: str | None = None  # the requirement whose item this line continues
    in_item = after_blank = False  # in another list item; after a blank line in it

    def end_requirement() -> None:
        nonlocal requirement
        if requirement is not None and coverage is not None:
            row = coverage.rows.get(requirement)
            out.extend(["", checks_markdown(row, requirement, "coverage.md"), ""])
        requirement = None

    for line in spec_text.splitlines():
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1) == fence:
                fence = None
            out.append(_continued(line, requirement, in_item and after_blank))
            continue
        item_start = line.startswith("- ")
        ends_item = item_start or (bool(line.strip()) and not line.startswith(" "))
        if ends_item:
            end_requirement()
            in_item = after_blank = False
        if item_start:
            in_item = True
        elif not line.strip():
            after_blank = in_item
        if opener:
            fence = opener.group(1)
            out.append(_continued(line, requirement, in_item and after_blank))
            continue
        if match := _REQUIREMENT.match(line):
            req_id = match["id"]
            text = link_ids_markdown(match["text"], href, known)
            out += [
                f"### {req_id} {{ #{req_id} .requirement }}",
                "",
                f"**{match['level']}** ({match['subject']}): {text}",
                "",
            ]
            requirement, in_item = req_id, False
            continue
        if line.startswith("#"):
            out.append(line)
            continue
        catalogue = _CATALOGUE_TYPE.match(line)
        if catalogue and catalogue["type"] in message_types:
            message_type = catalogue["type"]
            link = f"[`{message_type}`](messages/{message_slug(message_type)}.md)"
            head, _, rest = line.partition(f"`{message_type}`")
            out.append(head + link + link_ids_markdown(rest, href, known))
            continue
        out.append(link_ids_markdown(_continued(line, requirement, in_item and after_blank),
                                     href, known))
    end_requirement()
    return "\n".join(out).rstrip("\n") + "\n"


def _continued(line: str, requirement: str | None, indent: bool) -> str:
    """A line of a list item as Python-Markdown needs it: a requirement's item is now a
    section (its lines lose the item's two spaces); in another item, a block after a blank
    line is indented by four spaces."""
    if requirement is not None:
        return line.removeprefix("  ")
    if indent and line.startswith("  "):
        return "  " + line
    return line
