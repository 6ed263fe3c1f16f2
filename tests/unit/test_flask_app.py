"""The app's cheap coroutine check gives Flask's answers: a plain function is called as it is,
a coroutine function (or one marked as one) still goes through Flask's own wrapping."""

from __future__ import annotations

import functools
import inspect

import pytest

from app.flask_app import TierdeskFlask


def plain() -> str:
    return "plain"


async def coroutine() -> str:
    return "coroutine"


class Hook:
    def method(self) -> str:
        return "method"


@pytest.fixture
def bare_app() -> TierdeskFlask:
    return TierdeskFlask(__name__)


def test_plain_callables_are_called_as_they_are(bare_app):
    assert bare_app.ensure_sync(plain) is plain
    bound = Hook().method
    assert bare_app.ensure_sync(bound) == bound
    partial = functools.partial(plain)
    assert bare_app.ensure_sync(partial) is partial


def test_coroutine_functions_go_through_flask(bare_app, monkeypatch):
    wrapped = []
    monkeypatch.setattr(bare_app, "async_to_sync", lambda func: wrapped.append(func) or (lambda: "synced"))
    assert bare_app.ensure_sync(coroutine)() == "synced"
    assert bare_app.ensure_sync(functools.partial(coroutine))() == "synced"
    assert len(wrapped) == 2


@pytest.mark.skipif(not hasattr(inspect, "markcoroutinefunction"), reason="Python 3.12 and later")
def test_a_function_marked_as_a_coroutine_goes_through_flask(bare_app, monkeypatch):
    def marked() -> str:
        return "marked"

    inspect.markcoroutinefunction(marked)  # type: ignore[attr-defined]
    monkeypatch.setattr(bare_app, "async_to_sync", lambda func: lambda: "synced")
    assert bare_app.ensure_sync(marked)() == "synced"
