"""Fixtures of the API tests: a personal token for any user, and a client that sends it."""

from __future__ import annotations

import pytest

from app.services.accounts.api_tokens import create_api_token


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` with every request."""

    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.client.put(path, json=json, headers=self.headers, **kwargs)


def token_for(user, scope: str = "read_write") -> str:
    return create_api_token(user, f"test {scope}", scope)[1]


@pytest.fixture
def api(client):
    """api(user, scope="read_write") -> an ApiClient acting as that user."""

    def _client(user, scope: str = "read_write") -> ApiClient:
        return ApiClient(client, token_for(user, scope))

    return _client
