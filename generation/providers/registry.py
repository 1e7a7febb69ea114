"""Which provider makes which kind of media."""

from django.conf import settings

from story_admin.models import AssetType

from .base import Provider, ProviderError


def provider_for(asset_type: str) -> Provider:
    if asset_type == AssetType.IMAGE:
        from .huggingface import HuggingFaceImageProvider

        return HuggingFaceImageProvider()
    if asset_type == AssetType.SOUND:
        if settings.TTS_PROVIDER == "espeak":
            from .espeak import EspeakNarrationProvider

            return EspeakNarrationProvider()
        from .gtts_narration import GTTSNarrationProvider

        return GTTSNarrationProvider()
    if asset_type == AssetType.MUSIC:
        from .musicgen import MusicGenProvider

        return MusicGenProvider()
    raise ProviderError(f"Nothing generates media of type “{asset_type}”.")
