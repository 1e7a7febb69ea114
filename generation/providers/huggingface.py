"""Images from the Hugging Face Inference API (text-to-image), through `requests`."""

import logging
import random
import time

import requests
from django.conf import settings

from .base import MediaRequest, MediaResult, NotSetUpError, ProviderError, TransientProviderError

logger = logging.getLogger(__name__)

RETRYABLE = {502, 503, 504, 429}


class HuggingFaceImageProvider:
    name = "huggingface"

    def __init__(
        self, *, base_url=None, model=None, token=None, timeout=120.0, max_attempts=5, max_wait=120.0, sleep=time.sleep
    ):
        self.base_url = (base_url or settings.HUGGINGFACE_API_URL).rstrip("/")
        self.model = model or settings.HF_IMAGE_MODEL
        self.token = settings.HUGGINGFACE_API_TOKEN if token is None else token
        self.timeout, self.max_attempts, self.max_wait, self.sleep = timeout, max_attempts, max_wait, sleep

    def generate(self, request: MediaRequest, *, progress=None) -> MediaResult:
        if not self.token:
            raise NotSetUpError("Image generation needs a Hugging Face token: set HUGGINGFACE_API_TOKEN.")
        url = f"{self.base_url}/{self.model}"
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = requests.post(
                    url,
                    json={"inputs": request.prompt},
                    timeout=self.timeout,
                    headers={"Authorization": f"Bearer {self.token}", "Accept": "image/png"},
                )
            except (requests.Timeout, requests.ConnectionError) as error:
                if attempt == self.max_attempts:
                    raise TransientProviderError(f"Hugging Face did not answer: {error}") from error
                self._wait(self._backoff(attempt), f"no answer ({error.__class__.__name__})", progress)
                continue
            if response.status_code == 200:
                return MediaResult(data=response.content, provider=self.name, model=self.model)
            message = self._message(response)
            if response.status_code not in RETRYABLE:
                raise ProviderError(f"Hugging Face refused the image ({response.status_code}): {message}")
            if attempt == self.max_attempts:
                raise TransientProviderError(
                    f"Hugging Face is still unavailable after {attempt} tries ({response.status_code}): {message}"
                )
            self._wait(self._delay(response, attempt), message, progress)
        raise AssertionError("unreachable")

    def _delay(self, response, attempt: int) -> float:
        if response.status_code == 503:
            try:
                return float(response.json().get("estimated_time") or self._backoff(attempt))
            except ValueError:
                return self._backoff(attempt)
        if response.status_code == 429 and response.headers.get("Retry-After", "").isdigit():
            return float(response.headers["Retry-After"])
        return self._backoff(attempt)

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(2.0**attempt, 30.0) * random.uniform(0.5, 1.0)

    def _wait(self, seconds: float, reason: str, progress) -> None:
        seconds = min(seconds, self.max_wait)
        logger.info("Hugging Face: %s; waiting %.1f s", reason, seconds)
        if progress:
            progress(None, f"Waiting {seconds:.0f} s: {reason}")
        self.sleep(seconds)

    @staticmethod
    def _message(response) -> str:
        try:
            return str(response.json().get("error") or response.text[:200])
        except ValueError:
            return response.text[:200] or response.reason
