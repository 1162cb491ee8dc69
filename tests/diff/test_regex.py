"""Pattern comparison by language (``onsembl_spec.diff.regex``), checked against ``re`` itself."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onsembl_spec.diff.regex import MAX_REPEAT, compare_patterns, whole_string_regex
from onsembl_spec.resources import schemas_dir

OLD_TIMESTAMP = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$(?!\n)"
)


@pytest.mark.parametrize(
    ("old", "new", "relation"),
    [
        ("^[a-z]{1,3}$", "^[a-z]{1,5}$", "loosened"),
        ("^[a-z]{1,5}$", "^[a-z]{1,3}$", "tightened"),
        ("^a$", "^b$", "changed"),
        ("^[a-z]+$", "^[b-z0-9]+$", "changed"),
        ("^(a|b)$", "^[ab]$", "equivalent"),
        ("^[0-9]+$", r"^\d+$", "equivalent"),  # ECMA \d is ASCII
        (r"^[a-z]{1,128}$(?!\n)", "^[a-z]{1,128}$", "equivalent"),
        ("abc", "^abc$", "tightened"),  # unanchored: matches anywhere
        ("^abc", "abc", "loosened"),
        ("abc$", "^abc$", "tightened"),
        (
            OLD_TIMESTAMP,
            r"^(?!0000)" + OLD_TIMESTAMP[1:].replace(":[0-9]{2}(", ":[0-5][0-9](", 1),
            "tightened",
        ),
        # Not comparable: reported as PATTERN_CHANGED by the caller.
        ("^a|b$", "^a$", "unknown"),
        ("^a(^b)$", "^ab$", "unknown"),
        (r"\bword", "word", "unknown"),
        (r"^\p{L}+$", "^[a-z]+$", "unknown"),
        (f"^x{{1,{MAX_REPEAT + 1}}}$", "^x{1,10}$", "unknown"),
        ("^[a-z", "^[a-z]$", "unknown"),
    ],
)
def test_relations(old: str, new: str, relation: str) -> None:
    assert compare_patterns(old, new) == relation


def test_the_schemas_timestamp_tightening_is_seen() -> None:
    common = json.loads((schemas_dir() / "common.json").read_text())
    assert compare_patterns(OLD_TIMESTAMP, common["$defs"]["timestamp"]["pattern"]) == "tightened"


@pytest.mark.parametrize(
    ("pattern", "regex"),
    [
        ("^ab$", "(?:ab)"),
        (r"^ab$(?!\n)", "(?:ab)"),
        ("ab", ".*(?:ab).*"),
        ("^ab", "(?:ab).*"),
        ("a|b", ".*(?:a|b).*"),
        (r"^a\$$", r"(?:a\$)"),
        ("^[$^]$", "(?:[$^])"),
        ("^a|b", None),
        ("a^b", None),
    ],
)
def test_whole_string_regex(pattern: str, regex: str | None) -> None:
    assert whole_string_regex(pattern) == regex


PATTERNS = [
    "^[a-c]{1,3}$",
    "^[a-c]+$",
    "^a[bc]*$",
    "b",
    "^ab",
    "c$",
    "^(a|bc)+$",
    "^[abc]{2}$",
    "^$",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PATTERNS),
    st.sampled_from(PATTERNS),
    st.lists(st.text(alphabet="abc", max_size=5), min_size=1, max_size=20),
)
def test_a_verdict_is_never_contradicted_by_a_string(old: str, new: str, words: list[str]) -> None:
    """No string accepted by the side that should be wider is refused by it (``re.search``)."""
    relation = compare_patterns(old, new)
    for word in words:
        in_old = re.search(old, word) is not None
        in_new = re.search(new, word) is not None
        if relation in ("equivalent", "tightened"):
            assert not in_new or in_old, (relation, word)
        if relation in ("equivalent", "loosened"):
            assert not in_old or in_new, (relation, word)
