"""Which provider makes which kind of media."""

import importlib.util
import shutil

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


NOT_SET_UP = {
    AssetType.IMAGE: "Image generation is not set up on this server; an administrator can enable it.",
    AssetType.SOUND: "Narration is not set up on this server; an administrator can enable it.",
    AssetType.MUSIC: "Music generation is not set up on this server; an administrator can enable it.",
}


def _installed(*modules: str) -> bool:
    for module in modules:
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):  # ValueError: a module set to None (blocked) in sys.modules
            return False
    return True


def setup_problem(asset_type: str) -> str:
    """What the server lacks to make this kind of media, for the log and the admin ("" when it is set up).

    Read from the settings and the installed packages, without calling the provider."""
    if asset_type == AssetType.IMAGE and not settings.HUGGINGFACE_API_TOKEN:
        return "Image generation needs a Hugging Face token: set HUGGINGFACE_API_TOKEN."
    if asset_type == AssetType.SOUND:
        if settings.TTS_PROVIDER == "espeak" and not shutil.which("espeak-ng"):
            return "Offline narration needs espeak-ng (Debian: apt-get install espeak-ng)."
        if settings.TTS_PROVIDER != "espeak" and not _installed("gtts"):
            return "Narration needs gTTS: pip install -r requirements.txt."
    if asset_type == AssetType.MUSIC and not _installed("torch", "transformers"):
        return "Music generation needs torch and transformers: pip install -r requirements-music.txt"
    return ""
