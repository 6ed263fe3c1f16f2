"""The session cookie's JSON, as Flask tags it, without asking every tag about every value.

Flask's tagged serializer offers each value to each of its eight tags in turn (a dict, a tuple,
a list, bytes, markup, a UUID, a datetime), so a session of a few strings and a flash note costs
about eighty checks per answer. A session holds plain values almost only: here a str, int,
float, bool or None is kept as it is, and a dict, list or tuple is walked as Flask's tags walk
it; any other value (and a one-key dict whose key looks like a tag) goes to Flask's own tags.
The JSON, and so the cookie, is byte for byte Flask's."""

from __future__ import annotations

from typing import Any

from flask.json import dumps
from flask.json.tag import TaggedJSONSerializer

_PLAIN = frozenset((str, int, float, bool, type(None)))


class PlainFirstJSONSerializer(TaggedJSONSerializer):
    """Flask's `TaggedJSONSerializer` with the plain values tagged without a search."""

    def tag(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is dict and not (len(value) == 1 and next(iter(value)) in self.tags):
            return {key: self.tag(item) for key, item in value.items()}
        if kind is list:
            return [self.tag(item) for item in value]
        if kind is tuple:
            return {" t": [self.tag(item) for item in value]}
        return super().tag(value)

    def dumps(self, value: Any) -> str:
        return dumps(self.tag(value), separators=(",", ":"))
