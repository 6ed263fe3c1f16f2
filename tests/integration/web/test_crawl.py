"""Walk every page each demo role can reach from its home page: none may fail."""

from __future__ import annotations

import re
from collections import deque

import pytest

from app.demo.seed import seed_demo

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/auth/logout")
MAX_PAGES = 120


@pytest.mark.parametrize(
    "email", ["admin@demo.test", "frontline@demo.test", "expert@demo.test", "customer@demo.test"]
)
def test_no_page_a_role_can_reach_fails(client, email):
    seed_demo(tickets=60)  # pages of every kind, without the whole set
    assert client.post("/auth/login", data={"email": email, "password": "tierdesk-demo"}).status_code == 302
    queue, seen, failures = deque(["/"]), set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500 or response.status_code == 400:
            failures.append((url, response.status_code))
            continue
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        if response.mimetype == "text/html":
            for link in LINK.findall(response.get_data(as_text=True)):
                if link not in seen:
                    queue.append(link.replace("&amp;", "&"))
    assert failures == []
    assert len(seen) > 10
