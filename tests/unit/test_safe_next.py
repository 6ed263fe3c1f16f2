from __future__ import annotations

import pytest

from app.auth.safe_next import safe_next


@pytest.mark.parametrize("target", ["/desk/", "/portal/tickets/3?x=1"])
def test_local_paths_are_followed(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [None, "", "https://evil.test/", "//evil.test/x", "/\\evil.test", "javascript:alert(1)", "desk", "/a\nb"],
)
def test_other_hosts_and_odd_paths_are_refused(target):
    assert safe_next(target) is None
