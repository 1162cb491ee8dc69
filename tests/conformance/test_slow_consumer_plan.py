"""The CLOSE-7 check's push plan stays inside every rate limit of the profile it is given."""

from __future__ import annotations

import pytest

from onsembl_conformance.bundled import FAST_PROFILE
from onsembl_conformance.checks.slow_consumer import (
    MAX_CONTENT,
    PUSH_BYTES,
    QUOTA_MARGIN,
    push_plan,
)
from onsembl_conformance.errors import CheckSkipped
from onsembl_spec.profile import Profile, profile_from_mapping

PROFILES = {
    "defaults": Profile(),
    "bundled": profile_from_mapping(FAST_PROFILE),
    "no burst limit": profile_from_mapping({"limits": {"connection": {"burst_per_second": None}}}),
}


@pytest.mark.parametrize("name", PROFILES)
def test_plan_pushes_past_the_bound_within_the_limits(name: str) -> None:
    profile = PROFILES[name]
    plan = push_plan(profile)
    assert plan.total_bytes >= PUSH_BYTES
    assert plan.content_size <= min(MAX_CONTENT, profile.max_message_bytes - 512)
    windows = list(profile.connection_windows()) + list(
        profile.type_windows("terminal:output") or ()
    )
    for window in windows:
        if window.seconds == 1:  # one message a round: rounds per second under the burst
            assert 1 / plan.interval_s < window.limit
        else:
            assert plan.rounds + QUOTA_MARGIN <= window.limit
    for window in profile.global_windows():
        assert plan.agents * plan.rounds < window.limit


def test_plan_for_the_bundled_profile() -> None:
    plan = push_plan(PROFILES["bundled"])
    assert (plan.agents, plan.rounds) == (14, 24)
    assert plan.rounds * plan.interval_s < 3.5  # seconds of pushing


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"max_message_bytes": 1500}, "too small"),
        ({"limits": {"connection": {"per_minute": 5}}}, "no room"),
        ({"limits": {"global": {"per_minute": 100}}}, "global per_minute"),
        ({"max_message_bytes": 4096}, "agents"),
    ],
)
def test_profiles_that_cannot_carry_the_push_skip(override: dict[str, object], reason: str) -> None:
    with pytest.raises(CheckSkipped, match=reason):
        push_plan(profile_from_mapping(override))
