"""Offline narration with Debian's espeak-ng (`TTS_PROVIDER=espeak`)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import MediaRequest, MediaResult, NotSetUpError, ProviderError


class EspeakNarrationProvider:
    name = "espeak-ng"

    def __init__(self, *, timeout: float = 120.0):
        self.timeout = timeout

    def generate(self, request: MediaRequest, *, progress=None) -> MediaResult:
        executable = shutil.which("espeak-ng")
        if executable is None:
            raise NotSetUpError("Offline narration needs espeak-ng (Debian: apt-get install espeak-ng).")
        if not request.prompt.strip():
            raise ProviderError("There is no text to narrate.")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "narration.wav"
            try:
                subprocess.run(
                    [executable, "-v", request.language or "en", "-w", str(out), "--stdin"],
                    input=request.prompt.encode(),
                    capture_output=True,
                    timeout=self.timeout,
                    check=True,
                )
            except subprocess.CalledProcessError as error:
                raise ProviderError(f"espeak-ng failed: {error.stderr.decode(errors='replace').strip()}") from None
            except subprocess.TimeoutExpired:
                raise ProviderError(f"espeak-ng took longer than {self.timeout:.0f} s.") from None
            return MediaResult(data=out.read_bytes(), provider=self.name, model=request.language or "en")
