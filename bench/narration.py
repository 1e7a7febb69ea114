"""espeak-ng's real-time factor: seconds of narration produced per second of compute.

Narrates the demo story's scene texts (French) with the offline provider and prints, for the
whole batch, audio seconds / compute seconds.

    .venv/bin/python bench/narration.py
"""

import io
import sys
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    import django

    django.setup()
    from generation.providers.base import MediaRequest
    from generation.providers.espeak import EspeakNarrationProvider
    from story_admin.demo import SCENES

    provider = EspeakNarrationProvider()
    audio_seconds, began = 0.0, time.perf_counter()
    for _key, _title, text, *_ in SCENES:
        result = provider.generate(MediaRequest(prompt=text, language="fr"))
        with wave.open(io.BytesIO(result.data)) as narration:
            audio_seconds += narration.getnframes() / narration.getframerate()
    compute = time.perf_counter() - began
    print(f"{len(SCENES)} scene texts narrated by espeak-ng: {audio_seconds:.1f} s of audio in {compute:.2f} s")
    print(f"real-time factor: {audio_seconds / compute:.1f}x faster than real time")


if __name__ == "__main__":
    main()
