"""MusicGen speed: seconds of audio per second of compute, for a model of musicgen-small's real shape.

Builds a model with musicgen-small's architecture (587 M parameters) and random weights (no
download), saves it and loads it back through the provider's loading path, then times a clip
(15 s by default) through the provider, and one call for a batch of several scenes' prompts.
Runs on CUDA in half precision when a GPU is present, else on the CPU.

    .venv/bin/python bench/musicgen.py [--seconds 15] [--batch 4]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def save_small_shaped_model(folder: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
        T5TokenizerFast,
    )

    words = "calm stormy sea night wind piano strings mystery lighthouse".split()
    tokenizer_model = Tokenizer(models.Unigram([(word, -1.0) for word in ["<pad>", "</s>", "<unk>", *words]], unk_id=2))
    tokenizer_model.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = T5TokenizerFast(
        tokenizer_object=tokenizer_model, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", extra_ids=0
    )
    config = MusicgenConfig(
        text_encoder=T5Config(vocab_size=32128, d_model=768, d_ff=3072, num_layers=12, num_heads=12, d_kv=64),
        audio_encoder=EncodecConfig(
            codebook_size=2048,
            hidden_size=128,
            num_filters=64,
            num_residual_layers=1,
            upsampling_ratios=[8, 5, 4, 4],
            codebook_dim=128,
            sampling_rate=32000,
            target_bandwidths=[2.2],
            num_lstm_layers=2,
            audio_channels=1,
            use_causal_conv=False,
            normalize=False,
        ),
        decoder=MusicgenDecoderConfig(
            vocab_size=2048,
            hidden_size=1024,
            num_hidden_layers=24,
            num_attention_heads=16,
            ffn_dim=4096,
            num_codebooks=4,
            pad_token_id=2048,
            bos_token_id=2048,
        ),
    )
    config.decoder_start_token_id = config.pad_token_id = 2048
    model = MusicgenForConditionalGeneration(config)
    print(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.0f} M parameters (musicgen-small's shape)")
    model.save_pretrained(folder)
    MusicgenProcessor(
        feature_extractor=EncodecFeatureExtractor(sampling_rate=32000), tokenizer=tokenizer
    ).save_pretrained(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--batch", type=int, default=4, help="prompts in the batched call (0 to skip)")
    args = parser.parse_args()

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    import django

    django.setup()
    import torch

    from generation.providers.base import MediaRequest
    from generation.providers.musicgen import MusicGenProvider, load_model

    with tempfile.TemporaryDirectory() as folder:
        save_small_shaped_model(Path(folder))
        began = time.perf_counter()
        processor, model, device = load_model(folder)
        print(f"device: {device} ({torch.get_num_threads()} CPU threads); load {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        MusicGenProvider(model=folder).generate(MediaRequest(prompt="stormy sea at night", duration=args.seconds))
        single = time.perf_counter() - began
        print(
            f"one {args.seconds:g} s clip: {single:.1f} s of compute -> "
            f"{args.seconds / single:.3f} s of audio per second of compute"
        )

        if args.batch:
            prompts = ["stormy sea at night", "calm piano", "mystery strings", "wind lighthouse"][: args.batch]
            prompts += ["calm sea"] * (args.batch - len(prompts))
            tokens = int(args.seconds * model.config.audio_encoder.frame_rate) + model.config.decoder.num_codebooks - 1
            inputs = processor(text=prompts, padding=True, return_tensors="pt").to(device)
            began = time.perf_counter()
            with torch.inference_mode():
                model.generate(**inputs, max_new_tokens=tokens, do_sample=True)
            batched = time.perf_counter() - began
            print(
                f"{args.batch} clips in one call: {batched:.1f} s ({batched / single:.2f}x one clip) -> "
                f"{args.batch * args.seconds / batched:.3f} s of audio per second of compute"
            )


if __name__ == "__main__":
    main()
