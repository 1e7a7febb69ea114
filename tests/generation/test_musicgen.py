"""Music from a tiny MusicGen saved and loaded back through the real loading path."""

import io
import sys
import wave

import pytest

from generation.providers import musicgen
from generation.providers.base import MediaRequest, ProviderError
from tests.generation.tiny_musicgen import save_tiny_musicgen


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return str(save_tiny_musicgen(tmp_path_factory.mktemp("musicgen")))


def duration_of(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_a_clip_of_the_asked_length(tiny_model):
    notes = []
    result = musicgen.MusicGenProvider(model=tiny_model).generate(
        MediaRequest(prompt="stormy sea at night", duration=2.0), progress=lambda fraction, note: notes.append(fraction)
    )
    assert duration_of(result.data) == pytest.approx(2.0, abs=0.02)
    assert (result.provider, result.model) == ("musicgen", tiny_model)
    assert notes[0] > 0 and notes[-1] == 1.0 and notes == sorted(notes)


def test_clips_are_capped_at_fifteen_seconds(tiny_model):
    result = musicgen.MusicGenProvider(model=tiny_model).generate(MediaRequest(prompt="calm", duration=40))
    assert duration_of(result.data) == pytest.approx(15.0, abs=0.02)


def test_the_model_is_loaded_once_per_process(tiny_model):
    first = musicgen.load_model(tiny_model)
    assert musicgen.load_model(tiny_model) is first
    assert first[2] in ("cpu", "cuda")


def test_without_torch_music_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # as on a machine without requirements-music.txt
    monkeypatch.setattr(musicgen, "_loaded", {})
    with pytest.raises(ProviderError, match="pip install -r requirements-music.txt"):
        musicgen.MusicGenProvider(model="facebook/musicgen-small").generate(MediaRequest(prompt="x"))


def test_music_job_end_to_end(tiny_model, rq_redis, settings, db):
    from generation.services import request_generation
    from story_admin.models import Scene
    from tests.factories import SceneFactory
    from tests.processes import run_worker

    settings.MUSICGEN_MODEL = tiny_model
    scene = SceneFactory(title="Storm", text="stormy sea")
    asset = request_generation(requester=scene.scenario.author, kind="music", scene=scene)
    run_worker("music")
    asset.refresh_from_db()
    assert asset.status == "ready", asset.error
    assert asset.duration == pytest.approx(15.0, abs=0.05) and asset.mime_type == "audio/wav"
    assert asset.metadata["progress"] == 1.0
    assert Scene.objects.get(pk=scene.pk).music_id == asset.pk
