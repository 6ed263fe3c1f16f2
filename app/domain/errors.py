"""Errors the domain raises; services pass them on and views turn them into responses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message is for people."""


class InvalidInput(DomainError):
    """The request is malformed or out of range (shown as a form error or a 400/422)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (a 403)."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists (a 404)."""


class Conflict(DomainError):
    """Someone else changed the thing first (a 409)."""
