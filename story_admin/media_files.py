"""What a media file really is, read from its bytes: type, MIME type, dimensions, duration.

Every way a file gets in (API and studio uploads, the admin, generated media, backup imports)
asks `inspect_media`, so one set of rules decides what may be stored and served.
"""

import io
from dataclasses import dataclass

import filetype
import mutagen
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from .exceptions import StoryRuleError

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
AUDIO_TYPES = {
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "video/mp4": "m4a",
}
# What /media/ serves inline; anything else goes out as an application/octet-stream attachment.
INLINE_TYPES = frozenset(IMAGE_TYPES) | {mime for mime in AUDIO_TYPES if mime.startswith("audio/")}


@dataclass(frozen=True)
class MediaFacts:
    kind: str  # "image" or "audio"
    mime_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None


def inspect_media(data: bytes, *, expected: str) -> MediaFacts:
    """Check that `data` is an image or an audio file (as `expected`) and read its facts."""
    if not data:
        raise StoryRuleError("The file is empty.")
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed else ""
    if expected == "image":
        if mime not in IMAGE_TYPES:
            raise StoryRuleError("This file is not an image (PNG, JPEG, WebP or GIF), whatever its name says.")
        width, height = _image_size(data)
        return MediaFacts("image", mime, IMAGE_TYPES[mime], len(data), width=width, height=height)
    if mime not in AUDIO_TYPES:
        raise StoryRuleError("This file is not audio (MP3, WAV, OGG, FLAC or M4A), whatever its name says.")
    try:
        audio = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError as error:
        raise StoryRuleError(f"This audio file is damaged and cannot be read ({error}).") from None
    if audio is None or not getattr(audio.info, "length", 0):
        raise StoryRuleError("This audio file has no readable duration.")
    mime = "audio/wav" if AUDIO_TYPES[mime] == "wav" else "audio/mp4" if AUDIO_TYPES[mime] == "m4a" else mime
    return MediaFacts("audio", mime, AUDIO_TYPES.get(mime, "bin"), len(data), duration=round(audio.info.length, 2))


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height from the header, refused over MAX_IMAGE_PIXELS before a pixel is decoded."""
    limit = settings.MAX_IMAGE_PIXELS
    too_big = f"images may have at most {limit / 1_000_000:g} megapixels"
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limit:
                raise StoryRuleError(
                    f"This image is {width} × {height} pixels ({width * height / 1_000_000:.0f} megapixels): {too_big}."
                )
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own guard, for headers far past any cap of ours
        raise StoryRuleError(
            f"This image declares more than {2 * Image.MAX_IMAGE_PIXELS / 1_000_000:.0f} megapixels: {too_big}."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise StoryRuleError(f"This image is damaged and cannot be read ({error}).") from None
    return width, height
