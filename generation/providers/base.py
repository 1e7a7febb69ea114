"""The interface every media provider follows, and the errors it raises."""

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class MediaRequest:
    prompt: str
    language: str = "en"
    duration: float | None = None


@dataclass(frozen=True)
class MediaResult:
    data: bytes
    provider: str
    model: str = ""
    metadata: dict = field(default_factory=dict)


class ProviderError(Exception):
    """The provider refused or cannot work here; trying again will not help."""


class NotSetUpError(ProviderError):
    """The server lacks what the provider needs (a token, a package, a program): only an administrator can fix it."""


class TransientProviderError(ProviderError):
    """A passing failure (overload, timeout): the job may be retried."""


class Provider(Protocol):
    name: str

    def generate(self, request: MediaRequest, *, progress=None) -> MediaResult:
        """Produce the media; `progress(fraction, note)` reports how far it got when the provider can tell."""
