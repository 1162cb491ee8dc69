"""The reconnection schedule (CLIENT-9).

The n-th consecutive attempt (n = 0 for the first after a connection ended)
waits a time drawn uniformly from [d(n)/2, d(n)], d(n) = min(``reconnect.base_s`` x
``reconnect.factor``^n, ``reconnect.cap_s``) (:meth:`Profile.reconnect_delay_s`),
counted from the end of the previous connection or attempt. Attempts stop being
consecutive, and n goes back to 0, once a connection has stayed open
``reconnect.reset_after_s`` seconds (:func:`resets`).
"""

from __future__ import annotations

import random

from onsembl_spec.profile import Profile


def longest_wait(profile: Profile, attempt: int) -> float:
    """d(n): the longest wait before the ``attempt``-th consecutive attempt (CLIENT-9)."""
    return profile.reconnect_delay_s(attempt)


def reconnect_wait(profile: Profile, attempt: int, rng: random.Random) -> float:
    """CLIENT-9: the wait before the ``attempt``-th consecutive attempt, uniform in
    [d(n)/2, d(n)] (jitter spreads the returns of clients that lost the same server)."""
    longest = longest_wait(profile, attempt)
    return rng.uniform(longest / 2, longest)


def resets(profile: Profile, lasted_s: float) -> bool:
    """CLIENT-9: a connection open this long ends the run of consecutive attempts."""
    return lasted_s >= profile.reconnect_reset_after_s


__all__ = ["longest_wait", "reconnect_wait", "resets"]
