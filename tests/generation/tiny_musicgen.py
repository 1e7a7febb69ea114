"""A MusicGen of a few thousand random weights, built from a config: no download, real loading code."""

from pathlib import Path

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

CODEBOOK_SIZE = 64
SAMPLING_RATE = 8000
WORDS = "calm stormy sea music piano drums wind night".split()


def save_tiny_musicgen(folder: Path) -> Path:
    vocab = ["<pad>", "</s>", "<unk>", *WORDS]
    tokenizer_model = Tokenizer(models.Unigram([(word, -1.0) for word in vocab], unk_id=2))
    tokenizer_model.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = T5TokenizerFast(
        tokenizer_object=tokenizer_model, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", extra_ids=0
    )
    config = MusicgenConfig(
        text_encoder=T5Config(vocab_size=len(vocab), d_model=16, d_ff=32, num_layers=1, num_heads=2, d_kv=8),
        # 8000 Hz / (8 * 5 * 4) = 50 frames a second, as the real model; 1 kbit/s gives 2 codebooks.
        audio_encoder=EncodecConfig(
            codebook_size=CODEBOOK_SIZE,
            hidden_size=16,
            num_filters=4,
            num_residual_layers=1,
            upsampling_ratios=[8, 5, 4],
            codebook_dim=16,
            sampling_rate=SAMPLING_RATE,
            target_bandwidths=[1.0],
            audio_channels=1,
        ),
        decoder=MusicgenDecoderConfig(
            vocab_size=CODEBOOK_SIZE,
            hidden_size=16,
            num_hidden_layers=1,
            num_attention_heads=2,
            ffn_dim=32,
            num_codebooks=2,
            pad_token_id=CODEBOOK_SIZE,
            bos_token_id=CODEBOOK_SIZE,
        ),
    )
    # Token ids past the codebook mark padding and the start; without these, generation indexes out of range.
    config.decoder_start_token_id = config.pad_token_id = CODEBOOK_SIZE
    MusicgenForConditionalGeneration(config).save_pretrained(folder)
    MusicgenProcessor(
        feature_extractor=EncodecFeatureExtractor(sampling_rate=SAMPLING_RATE), tokenizer=tokenizer
    ).save_pretrained(folder)
    return folder
