"""What a media file really is: the domain's byte checker, which backup imports use as well."""

from story_admin.media_files import AUDIO_TYPES, IMAGE_TYPES, INLINE_TYPES, MediaFacts, inspect_media

__all__ = ["AUDIO_TYPES", "IMAGE_TYPES", "INLINE_TYPES", "MediaFacts", "inspect_media"]
