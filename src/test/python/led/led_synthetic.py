#!/usr/bin/env python3
"""Writes a small synthetic LED checkpoint (LEDForConditionalGeneration layout) with seeded random weights.

    python3 led_synthetic.py OUT_DIR [--seed 18]

OUT_DIR gets config.json, generation_config.json, model.safetensors and a byte-level BPE tokenizer.json whose
vocabulary is exactly vocab_size (4 special tokens, 256 bytes, merges learnt on a sentence). The tensor names and shapes are those
transformers' LEDForConditionalGeneration saves (modeling_led.py: LEDModel.shared, LEDEncoder/LEDDecoder with
embed_positions, layernorm_embedding and layers; LEDEncoderSelfAttention's query/key/value and *_global projections
under self_attn.longformer_self_attn, LEDEncoderAttention.output; LEDDecoderAttention's q/k/v/out_proj;
final_logits_bias [1, vocab]). lm_head.weight is left out, as save_pretrained leaves out a tied weight.

The weights are larger than an initialised model's (std 0.02) on purpose: peaked distributions give wide margins
between the best tokens, so greedy and beam decisions do not hinge on float rounding.
"""
import argparse
import json
import os
import struct

import numpy as np

CONFIG = {
    "model_type": "led",
    "architectures": ["LEDForConditionalGeneration"],
    "vocab_size": 320,
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 48,
    "max_encoder_position_embeddings": 96,
    "max_decoder_position_embeddings": 40,
    # two-sided windows, different per layer (one-sided 2 and 4)
    "attention_window": [4, 8],
    "activation_function": "gelu",
    "pad_token_id": 1,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
    "is_encoder_decoder": True,
    "tie_word_embeddings": True,
}

GENERATION_CONFIG = {
    "decoder_start_token_id": 2,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "pad_token_id": 1,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
    "max_length": 24,
    "min_length": 5,
    "num_beams": 4,
    "length_penalty": 2.0,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
}


def tensors(config, seed):
    rng = np.random.default_rng(seed)
    d = config["d_model"]
    vocab = config["vocab_size"]
    out = {}

    def linear(name, n_in, n_out):
        out[name + ".weight"] = rng.normal(0, 1.0 / np.sqrt(n_in), (n_out, n_in)).astype(np.float32)  # nn.Linear: [out, in]
        out[name + ".bias"] = rng.normal(0, 0.1, n_out)

    def norm(name):
        out[name + ".weight"] = 1.0 + rng.normal(0, 0.1, d)
        out[name + ".bias"] = rng.normal(0, 0.1, d)

    out["led.shared.weight"] = rng.normal(0, 0.6, (vocab, d)).astype(np.float32)
    for side, positions in (("encoder", config["max_encoder_position_embeddings"]), ("decoder", config["max_decoder_position_embeddings"])):
        out[f"led.{side}.embed_positions.weight"] = rng.normal(0, 0.5, (positions, d)).astype(np.float32)
        norm(f"led.{side}.layernorm_embedding")
    for layer in range(config["encoder_layers"]):
        p = f"led.encoder.layers.{layer}"
        for proj in ("query", "key", "value", "query_global", "key_global", "value_global"):
            linear(f"{p}.self_attn.longformer_self_attn.{proj}", d, d)
        linear(f"{p}.self_attn.output", d, d)
        norm(f"{p}.self_attn_layer_norm")
        linear(f"{p}.fc1", d, config["encoder_ffn_dim"])
        linear(f"{p}.fc2", config["encoder_ffn_dim"], d)
        norm(f"{p}.final_layer_norm")
    for layer in range(config["decoder_layers"]):
        p = f"led.decoder.layers.{layer}"
        for block in ("self_attn", "encoder_attn"):
            for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
                linear(f"{p}.{block}.{proj}", d, d)
            norm(f"{p}.{block}_layer_norm")
        linear(f"{p}.fc1", d, config["decoder_ffn_dim"])
        linear(f"{p}.fc2", config["decoder_ffn_dim"], d)
        norm(f"{p}.final_layer_norm")
    bias = rng.normal(0, 0.5, (1, vocab))
    bias[0, config["eos_token_id"]] += 10.5  # so that some hypotheses end before max_length
    out["final_logits_bias"] = bias
    return {name: value.astype(np.float32) for name, value in out.items()}


def write_safetensors(path, named):
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name in sorted(named):
        data = np.ascontiguousarray(named[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(named[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0..3, as RoBERTa's and LED's
CORPUS = (
    "Longformer reads long documents with a sliding window and a few global tokens. The encoder-decoder writes "
    "a summary of the whole document. Summaries of long reports, papers and manuals are written at ingest."
)


def bytes_to_unicode():
    """GPT-2's byte-level alphabet (tokenizers' ByteLevel pre-tokenizer)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    chars = printable[:]
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(printable, (chr(c) for c in chars)))


def tokenizer_json(vocab_size):
    """A byte-level BPE tokenizer.json: 4 special tokens, the 256 byte symbols, then merges learnt on CORPUS."""
    alphabet = bytes_to_unicode()
    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
    for b in range(256):
        vocab[alphabet[b]] = len(vocab)
    words = {}
    for i, word in enumerate(CORPUS.split(" ")):
        symbols = tuple(alphabet[b] for b in (word if i == 0 else " " + word).encode("utf-8"))
        words[symbols] = words.get(symbols, 0) + 1
    merges = []
    while len(vocab) < vocab_size:
        pairs = {}
        for symbols, count in words.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] = pairs.get(pair, 0) + count
        best = max(sorted(pairs), key=lambda pair: pairs[pair])
        merges.append(best[0] + " " + best[1])
        vocab[best[0] + best[1]] = len(vocab)
        merged = {}
        for symbols, count in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
             for i, t in enumerate(SPECIAL_TOKENS)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True,
                           "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }


# allenai/led-base-16384's dimensions (its config.json), for speed measurements with random weights
LED_BASE = {
    "vocab_size": 50265, "d_model": 768, "encoder_layers": 6, "decoder_layers": 6, "encoder_attention_heads": 12,
    "decoder_attention_heads": 12, "encoder_ffn_dim": 3072, "decoder_ffn_dim": 3072,
    "max_encoder_position_embeddings": 16384, "max_decoder_position_embeddings": 1024, "attention_window": [1024] * 6,
}


def write(folder, seed=18, max_encoder_positions=None, led_base=False):
    config = dict(CONFIG)
    if led_base:
        config.update(LED_BASE)
    if max_encoder_positions is not None:
        config["max_encoder_position_embeddings"] = max_encoder_positions
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump(GENERATION_CONFIG, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors(config, seed))
    if not led_base:  # the byte-level tokenizer has exactly the small vocabulary
        with open(os.path.join(folder, "tokenizer.json"), "w") as f:
            json.dump(tokenizer_json(config["vocab_size"]), f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--max-encoder-positions", type=int, default=None, help="a longer encoder (the integration test's 4k-token documents)")
    parser.add_argument("--led-base", action="store_true", help="allenai/led-base-16384's dimensions, random weights (no tokenizer)")
    args = parser.parse_args()
    write(args.out, args.seed, args.max_encoder_positions, args.led_base)
