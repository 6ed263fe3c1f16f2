"""The session's JSON tags plain values without a search, and is byte for byte Flask's."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup

from app.session_json import PlainFirstJSONSerializer

VALUES = [
    {"_user_id": "7:3", "_fresh": True, "csrf_token": "abc", "n": 3, "x": 1.5, "none": None},
    {"_flashes": [("success", "Request TD-1 received."), ["info", "a list"]]},
    {" t": ["a one-key dict whose key is a tag"]},
    {"nested": {" di": {"deeper": (1, 2)}}, "empty": {}, "items": []},
    {"markup": Markup("<b>bold</b>"), "bytes": b"\x00\x01", "uuid": UUID(int=7)},
    {"when": datetime(2026, 3, 2, 10, 0, tzinfo=UTC), "tuple_of_dicts": ({"a": 1},)},
    {"subclass": type("Words", (str,), {})("still a string"), "flag": False},
]


@pytest.mark.parametrize("value", VALUES)
def test_the_json_is_flasks(value):
    with Flask(__name__).app_context():
        ours = PlainFirstJSONSerializer()
        flasks = TaggedJSONSerializer()
        assert ours.dumps(value) == flasks.dumps(value)
        assert ours.loads(ours.dumps(value)) == flasks.loads(flasks.dumps(value))
