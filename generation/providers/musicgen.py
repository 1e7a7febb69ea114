"""Background music with MusicGen (transformers + torch, from requirements-music.txt)."""

import io
import logging
import wave

from django.conf import settings

from .base import MediaRequest, MediaResult, NotSetUpError

logger = logging.getLogger(__name__)

MAX_SECONDS = 15.0
_loaded: dict[str, tuple] = {}


def load_model(name: str):
    """Load the processor and model once per worker process, on CUDA (half precision) when present."""
    if name in _loaded:
        return _loaded[name]
    try:
        import torch
        from transformers import AutoProcessor, MusicgenForConditionalGeneration
    except ImportError:
        raise NotSetUpError(
            "Music generation needs torch and transformers: pip install -r requirements-music.txt"
        ) from None
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    processor = AutoProcessor.from_pretrained(name)
    model = MusicgenForConditionalGeneration.from_pretrained(name, torch_dtype=dtype).to(device).eval()
    _loaded[name] = (processor, model, device)
    return _loaded[name]


class MusicGenProvider:
    name = "musicgen"

    def __init__(self, *, model: str | None = None):
        self.model_name = model or settings.MUSICGEN_MODEL

    def generate(self, request: MediaRequest, *, progress=None) -> MediaResult:
        processor, model, device = load_model(self.model_name)
        import torch

        seconds = min(request.duration or MAX_SECONDS, MAX_SECONDS)
        # Each second is `frame_rate` frames; the delay pattern needs one extra step per extra codebook.
        tokens = int(seconds * model.config.audio_encoder.frame_rate) + model.config.decoder.num_codebooks - 1
        inputs = processor(text=[request.prompt or "calm ambient music"], padding=True, return_tensors="pt").to(device)
        from transformers import LogitsProcessorList

        steps = [StepCounter(tokens, progress, f"Composing {seconds:g} s of music")] if progress else []
        with torch.inference_mode():
            audio = model.generate(
                **inputs, max_new_tokens=tokens, do_sample=True, logits_processor=LogitsProcessorList(steps)
            )
        rate = model.config.audio_encoder.sampling_rate
        samples = audio[0, 0].float().clamp(-1, 1).cpu().numpy()[: int(seconds * rate)]
        return MediaResult(
            data=_wav(samples, rate),
            provider=self.name,
            model=self.model_name,
            metadata={"seconds": round(len(samples) / rate, 2)},
        )


class StepCounter:
    """A logits processor that changes nothing and reports how many decoding steps are done."""

    def __init__(self, total: int, progress, note: str, every: int = 25):
        self.total, self.progress, self.note, self.every, self.done = total, progress, note, every, 0

    def __call__(self, input_ids, scores):
        self.done += 1
        if self.done == 1 or self.done % self.every == 0 or self.done == self.total:
            self.progress(round(min(self.done / self.total, 1.0), 3), self.note)
        return scores


def _wav(samples, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()
