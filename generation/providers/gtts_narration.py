"""Narration with gTTS (Google Translate's voice), cached by text and language."""

import hashlib
import io
import logging
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from gtts import gTTS
from gtts.tts import gTTSError

from .base import MediaRequest, MediaResult, ProviderError, TransientProviderError

logger = logging.getLogger(__name__)


class GTTSNarrationProvider:
    name = "gtts"

    def __init__(self, *, timeout: float = 30.0, attempts: int = 3, sleep=time.sleep):
        self.timeout, self.attempts, self.sleep = timeout, attempts, sleep

    def generate(self, request: MediaRequest, *, progress=None) -> MediaResult:
        if not request.prompt.strip():
            raise ProviderError("There is no text to narrate.")
        cache_name = f"cache/tts/{hashlib.sha256(f'{request.language}|{request.prompt}'.encode()).hexdigest()}.mp3"
        if default_storage.exists(cache_name):
            with default_storage.open(cache_name) as cached:
                return MediaResult(
                    data=cached.read(), provider=self.name, model=request.language, metadata={"cached": True}
                )
        data = self._fetch(request)
        default_storage.save(cache_name, ContentFile(data))
        return MediaResult(data=data, provider=self.name, model=request.language)

    def _fetch(self, request: MediaRequest) -> bytes:
        for attempt in range(1, self.attempts + 1):
            buffer = io.BytesIO()
            try:
                gTTS(request.prompt, lang=request.language or "en", timeout=self.timeout).write_to_fp(buffer)
                return buffer.getvalue()
            except ValueError as error:  # unsupported language
                raise ProviderError(f"gTTS cannot speak this language: {error}") from None
            except gTTSError as error:
                status = getattr(getattr(error, "rsp", None), "status_code", None)
                retryable = status is None or status == 429 or status >= 500
                if not retryable:
                    raise ProviderError(f"gTTS refused the narration: {error}") from None
                if attempt == self.attempts:
                    raise TransientProviderError(f"gTTS is unavailable: {error}") from None
                logger.info("gTTS attempt %d failed (%s); retrying", attempt, error)
                self.sleep(min(2**attempt, 10))
        raise AssertionError("unreachable")
