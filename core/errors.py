"""Domain errors: each names a catalogue key so the front end can explain it in the user's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raise when a use case must refuse; `key` selects the catalogue text and `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class InvalidInput(DomainError):
    """A value typed or uploaded by a user failed validation; nothing was saved."""


class NotAllowed(DomainError):
    """The caller's role or the current stage does not permit this action."""


class NotFound(DomainError):
    """The thing referred to does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The action lost a race or repeats something already done."""
