"""``onsembl diff``: classify the changes between two schema sets as breaking or safe.

* :func:`diff_schema_sets` compares two loaded :class:`~onsembl_spec.schemas.SchemaSet`
  and returns a :class:`DiffReport` of :class:`Finding` objects;
* :func:`load_side` loads a side from a schema directory or a git revision;
* :data:`RULES` is the rule table (IDs, one-line explanations, and in which
  direction each change breaks); ``docs/diff.md`` shows it;
* :func:`render` prints a report as ``text``, ``json`` or ``markdown``.
"""

from __future__ import annotations

from onsembl_spec.diff.compare import diff_schema_sets
from onsembl_spec.diff.findings import DiffReport, Finding, classify, directions_of
from onsembl_spec.diff.formats import FORMATS, render
from onsembl_spec.diff.rules import RULES, Rule, rule, rules_markdown
from onsembl_spec.diff.sources import load_side

__all__ = [
    "FORMATS",
    "RULES",
    "DiffReport",
    "Finding",
    "Rule",
    "classify",
    "diff_schema_sets",
    "directions_of",
    "load_side",
    "render",
    "rule",
    "rules_markdown",
]
