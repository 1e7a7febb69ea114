"""gTTS narration against recorded responses of Google's endpoint, at the HTTP layer."""

import base64
import json
import re

import pytest
import responses

from generation.media_files import inspect_media
from generation.providers.base import MediaRequest, ProviderError, TransientProviderError
from generation.providers.gtts_narration import GTTSNarrationProvider

pytestmark = pytest.mark.django_db

ENDPOINT = re.compile(r"https://translate\.google\.com/_/TranslateWebserverUi/data/batchexecute.*")
# 40 MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz), about one second of silence.
MP3 = (b"\xff\xfb\x90\x64" + b"\x00" * 413) * 40


def recorded_answer(audio: bytes) -> str:
    """What the endpoint answers: an anti-JSON prefix, then the audio in base64 in a JSON array."""
    compact = {"separators": (",", ":")}
    payload = json.dumps(
        [["wrb.fr", "jQ1olc", json.dumps([base64.b64encode(audio).decode()], **compact), None, None, None, "generic"]],
        **compact,
    )
    return f")]}}'\n\n{len(payload)}\n{payload}\n"


@pytest.fixture
def google():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_narration_is_fetched_once_then_cached(google):
    google.add(responses.POST, ENDPOINT, body=recorded_answer(MP3))
    provider = GTTSNarrationProvider(sleep=lambda seconds: None)
    first = provider.generate(MediaRequest(prompt="La mer cogne contre l'île.", language="fr"))
    second = provider.generate(MediaRequest(prompt="La mer cogne contre l'île.", language="fr"))
    assert first.data == MP3 and second.data == MP3 and second.metadata == {"cached": True}
    assert len(google.calls) == 1
    assert "fr" in google.calls[0].request.body
    facts = inspect_media(first.data, expected="audio")
    assert facts.mime_type == "audio/mpeg" and facts.duration == pytest.approx(1.04, abs=0.1)


def test_rate_limit_is_retried(google):
    google.add(responses.POST, ENDPOINT, status=429)
    google.add(responses.POST, ENDPOINT, body=recorded_answer(MP3))
    waits = []
    result = GTTSNarrationProvider(sleep=waits.append).generate(MediaRequest(prompt="Encore", language="fr"))
    assert result.data == MP3 and waits == [2]


def test_server_errors_give_up_after_three_tries(google):
    for _ in range(3):
        google.add(responses.POST, ENDPOINT, status=503)
    with pytest.raises(TransientProviderError, match="gTTS is unavailable"):
        GTTSNarrationProvider(sleep=lambda seconds: None).generate(MediaRequest(prompt="Encore", language="fr"))


def test_forbidden_fails_at_once(google):
    google.add(responses.POST, ENDPOINT, status=403)
    with pytest.raises(ProviderError, match="refused the narration"):
        GTTSNarrationProvider(sleep=lambda seconds: None).generate(MediaRequest(prompt="Non", language="fr"))
    assert len(google.calls) == 1


def test_unknown_language_is_refused():
    with pytest.raises(ProviderError, match="cannot speak this language"):
        GTTSNarrationProvider().generate(MediaRequest(prompt="Hi", language="xx"))
