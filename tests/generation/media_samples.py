"""Real media bytes made in the test: a PNG and a WAV."""

import io
import math
import struct
import wave

from PIL import Image


def png_bytes(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def wav_bytes(seconds=1.5, rate=8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(n / 10))) for n in range(int(seconds * rate))))
    return buffer.getvalue()
