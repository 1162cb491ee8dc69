"""Comparing two ``pattern`` regexes by the strings they accept (``onsembl diff``).

A JSON Schema ``pattern`` matches anywhere in the string unless anchored. Each
side is turned into a whole-string regex (``^X$`` and ``^X$(?!\\n)`` become
``X``, an unanchored ``X`` becomes ``.*(?:X).*``) and compiled into a finite
automaton with ``interegular``; inclusion between the two automata says whether
the new pattern accepts fewer strings, more, the same, or neither. Regexes
are read with their ECMA-262 meaning, as JSON Schema defines them (``\\d`` is
``[0-9]``, not Python's Unicode digits).

Anything outside what can be translated soundly (anchors inside the regex,
alternation beside an anchor, word boundaries, Unicode properties, counted
repetitions over :data:`MAX_REPEAT`) is :data:`UNKNOWN`, and the caller
reports the change as one that cannot be proven compatible.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import interegular

Relation = Literal["equivalent", "tightened", "loosened", "changed", "unknown"]
UNKNOWN: Relation = "unknown"

MAX_REPEAT = 1000
"""Largest counted repetition compiled; beyond it the automaton grows too large."""

_END_ANCHORS = ("$(?!\\n)", "$")
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def compare_patterns(old: str, new: str) -> Relation:
    """How the language of ``new`` relates to that of ``old``."""
    old_fsm, new_fsm = _automaton(old), _automaton(new)
    if old_fsm is None or new_fsm is None:
        return UNKNOWN
    try:
        narrower = new_fsm.issubset(old_fsm)
        wider = old_fsm.issubset(new_fsm)
    except Exception:  # interegular's own limits: treat as not comparable
        return UNKNOWN
    if narrower and wider:
        return "equivalent"
    if narrower:
        return "tightened"
    if wider:
        return "loosened"
    return "changed"


def whole_string_regex(pattern: str) -> str | None:
    """``pattern`` (search semantics) as a regex that must match the whole string, or ``None``."""
    body, anchored_start, anchored_end = pattern, False, False
    if body.startswith("^"):
        body, anchored_start = body[1:], True
    for anchor in _END_ANCHORS:
        if body.endswith(anchor) and not _escaped_at(body, len(body) - len(anchor)):
            body, anchored_end = body[: -len(anchor)], True
            break
    top_level_bar, anchors_inside = _scan(body)
    if anchors_inside or (top_level_bar and (anchored_start or anchored_end)):
        return None
    if any(int(n) > MAX_REPEAT for m in _REPEAT.finditer(body) for n in m.groups() if n):
        return None
    return f"{'' if anchored_start else '.*'}(?:{body}){'' if anchored_end else '.*'}"


def _automaton(pattern: str) -> Any:
    regex = whole_string_regex(pattern)
    if regex is None:
        return None
    try:
        return interegular.parse_pattern(regex).to_fsm()
    except Exception:  # unsupported syntax (interegular raises several kinds)
        return None


def _escaped_at(text: str, index: int) -> bool:
    """Whether the character at ``index`` is preceded by an odd number of backslashes."""
    count = 0
    while index > 0 and text[index - 1] == "\\":
        count += 1
        index -= 1
    return count % 2 == 1


def _scan(body: str) -> tuple[bool, bool]:
    """Whether ``body`` has a ``|`` outside every group, and an anchor (``^``, ``$``) anywhere
    outside character classes."""
    depth, in_class, escaped = 0, False, False
    top_level_bar = anchors = False
    for index, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]" or body[index - 1] == "["
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            top_level_bar = True
        elif char in "^$":
            anchors = True
    return top_level_bar, anchors
