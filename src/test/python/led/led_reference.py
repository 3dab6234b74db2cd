#!/usr/bin/env python3
"""An independent numpy reference for LED (LEDForConditionalGeneration) and for transformers' greedy and beam search.

Written from transformers' source, not from longdoc's graph builder:
- models/led/modeling_led.py (LEDEncoder.forward, LEDEncoderSelfAttention, LEDDecoder.forward, LEDDecoderAttention,
  LEDEncoderLayer/LEDDecoderLayer, LEDForConditionalGeneration: lm_head tied to led.shared + final_logits_bias);
- generation/logits_process.py (NoRepeatNGramLogitsProcessor, MinLengthLogitsProcessor,
  ForcedBOSTokenLogitsProcessor, ForcedEOSTokenLogitsProcessor; applied in that order, as
  GenerationMixin._get_logits_processor appends them);
- generation/utils.py (_sample without sampling = greedy; the vectorised _beam_search of transformers >= 4.50 with
  _get_top_k_continuations, _get_running_beams_for_next_iteration, _update_finished_beams,
  _check_early_stop_heuristic and _beam_search_has_unfinished_sequences).

Everything is computed in float64 without a KV cache: the decoder re-reads the whole prefix at every step, and the
encoder attention is written densely (every query's global keys, then its window), so neither the chunked
sliding-window trick nor the cache of the Java side is copied here.

    python3 led_reference.py CHECKPOINT_DIR OUT.json    # writes the fixture the Java tests compare against
"""
import json
import math
import struct
import sys

import numpy as np

NEG_INF = float("-inf")


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").astype(np.float64).reshape(info["shape"])
    return out


_erf = np.vectorize(math.erf)


def activation(name, x):
    # transformers' activations.py (ACT2FN)
    if name in ("gelu", "gelu_python"):
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    if name == "relu":
        return np.maximum(x, 0)
    if name in ("silu", "swish"):
        return x / (1.0 + np.exp(-x))
    raise ValueError("activation " + name)


def softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(x):
    m = np.max(x)
    return x - m - math.log(np.sum(np.exp(x - m)))


class Led:
    def __init__(self, folder):
        with open(folder + "/config.json") as f:
            self.config = json.load(f)
        self.w = read_safetensors(folder + "/model.safetensors")
        c = self.config
        self.d = c["d_model"]
        self.pad = c["pad_token_id"]
        windows = c["attention_window"]
        self.windows = windows if isinstance(windows, list) else [windows] * c["encoder_layers"]
        self.act = c.get("activation_function", "gelu")
        self.shared = self.w["led.shared.weight"]
        self.lm_head = self.w.get("lm_head.weight", self.shared)  # tied to the shared embeddings
        self.final_logits_bias = self.w.get("final_logits_bias", np.zeros((1, self.shared.shape[0])))[0]

    def linear(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def layer_norm(self, x, name):
        # nn.LayerNorm(d): eps 1e-5, biased variance
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-5) * self.w[name + ".weight"] + self.w[name + ".bias"]

    # ---- encoder (LEDEncoder.forward)

    def encode(self, ids, global_positions=(0,)):
        c = self.config
        n = len(ids)
        # _merge_to_attention_mask: 0 no attention, 1 local, 2 global
        mask = np.ones(n, dtype=np.int64)
        for g in global_positions:
            mask[g] = 2
        # _pad_to_window_size: pad to a multiple of the largest attention_window with pad_token_id, mask 0
        window = max(self.windows)
        padding = (window - n % window) % window
        ids = list(ids) + [self.pad] * padding
        mask = np.concatenate([mask, np.zeros(padding, dtype=np.int64)])
        total = n + padding
        # no embed_scale; LEDLearnedPositionalEmbedding: positions 0 .. total-1, no offset
        h = self.shared[ids] + self.w["led.encoder.embed_positions.weight"][np.arange(total)]
        h = self.layer_norm(h, "led.encoder.layernorm_embedding")
        for layer in range(c["encoder_layers"]):
            p = f"led.encoder.layers.{layer}"
            attended = self.longformer_attention(h, mask, layer)
            h = self.layer_norm(h + self.linear(attended, p + ".self_attn.output"), p + ".self_attn_layer_norm")
            ff = self.linear(activation(self.act, self.linear(h, p + ".fc1")), p + ".fc2")
            h = self.layer_norm(h + ff, p + ".final_layer_norm")
        return h[:n]

    def longformer_attention(self, h, mask, layer):
        """LEDEncoderSelfAttention.forward, densely: for each query its global keys (normal projections), then the
        keys of its window |i - j| <= attention_window/2, where padding and global keys get -10000 (they were
        scored already); padding queries output 0; global queries are recomputed with query_global over all keys
        (key_global/value_global, padding keys -10000)."""
        c = self.config
        heads = c["encoder_attention_heads"]
        hd = self.d // heads
        w = self.windows[layer] // 2
        a = f"led.encoder.layers.{layer}.self_attn.longformer_self_attn"
        n = h.shape[0]
        q = self.linear(h, a + ".query") / math.sqrt(hd)
        k = self.linear(h, a + ".key")
        v = self.linear(h, a + ".value")
        is_pad = mask == 0
        is_global = mask == 2
        globals_ = np.nonzero(is_global)[0]
        out = np.zeros((n, self.d))
        for head in range(heads):
            s = slice(head * hd, (head + 1) * hd)
            for i in range(n):
                if is_pad[i]:
                    continue  # attn_probs masked_fill(is_index_masked, 0)
                keys = list(globals_)
                extra = [0.0] * len(globals_)
                for j in range(max(0, i - w), min(n, i + w + 1)):
                    keys.append(j)
                    extra.append(-10000.0 if (is_pad[j] or is_global[j]) else 0.0)
                scores = k[keys, s] @ q[i, s] + np.array(extra)
                out[i, s] = softmax(scores) @ v[keys, s]
        if len(globals_):
            qg = self.linear(h[globals_], a + ".query_global") / math.sqrt(hd)
            kg = self.linear(h, a + ".key_global")
            vg = self.linear(h, a + ".value_global")
            for head in range(heads):
                s = slice(head * hd, (head + 1) * hd)
                scores = qg[:, s] @ kg[:, s].T + np.where(is_pad, -10000.0, 0.0)[None, :]
                out[globals_, s] = softmax(scores) @ vg[:, s]
        return out

    # ---- decoder (LEDDecoder.forward without a cache) and head

    def attention(self, x, memory, allowed, name, heads):
        """LEDDecoderAttention: q scaled by head_dim**-0.5, additive mask of finfo.min where not allowed."""
        hd = self.d // heads
        q = self.linear(x, name + ".q_proj") * hd ** -0.5
        k = self.linear(memory, name + ".k_proj")
        v = self.linear(memory, name + ".v_proj")
        out = np.zeros((x.shape[0], self.d))
        for head in range(heads):
            s = slice(head * hd, (head + 1) * hd)
            scores = q[:, s] @ k[:, s].T + np.where(allowed, 0.0, np.finfo(np.float64).min)
            out[:, s] = softmax(scores) @ v[:, s]
        return self.linear(out, name + ".out_proj")

    def decoder_logits(self, encoder_hidden, decoder_ids):
        c = self.config
        heads = c["decoder_attention_heads"]
        t = len(decoder_ids)
        h = self.shared[list(decoder_ids)] + self.w["led.decoder.embed_positions.weight"][np.arange(t)]
        h = self.layer_norm(h, "led.decoder.layernorm_embedding")
        causal = np.tril(np.ones((t, t), dtype=bool))  # _make_causal_mask
        every_key = np.ones((t, encoder_hidden.shape[0]), dtype=bool)  # an unpadded document
        for layer in range(c["decoder_layers"]):
            p = f"led.decoder.layers.{layer}"
            h = self.layer_norm(h + self.attention(h, h, causal, p + ".self_attn", heads), p + ".self_attn_layer_norm")
            h = self.layer_norm(h + self.attention(h, encoder_hidden, every_key, p + ".encoder_attn", heads), p + ".encoder_attn_layer_norm")
            ff = self.linear(activation(self.act, self.linear(h, p + ".fc1")), p + ".fc2")
            h = self.layer_norm(h + ff, p + ".final_layer_norm")
        return h @ self.lm_head.T + self.final_logits_bias


# ---- generation (transformers' semantics)


def ids(value):
    return None if value is None else [value] if isinstance(value, int) else list(value)


class Options:
    """The generation_config keys used here, with GenerationConfig's defaults."""

    def __init__(self, values, model_config):
        g = dict(values)
        self.num_beams = g.get("num_beams", 1)
        # eos_token_id and forced_eos_token_id: one id or a list (_prepare_special_tokens makes a 1-d tensor of either)
        self.eos = ids(g.get("eos_token_id", model_config.get("eos_token_id")))
        self.start = g.get("decoder_start_token_id", model_config.get("decoder_start_token_id"))
        max_new = g.get("max_new_tokens")
        # _prepare_generated_length: max_new_tokens wins over max_length, counted after the decoder prompt
        self.max_length = max_new + 1 if max_new is not None else g.get("max_length", 20)
        self.min_length = g.get("min_length", 0)
        self.no_repeat_ngram_size = g.get("no_repeat_ngram_size", 0)
        self.forced_bos = g.get("forced_bos_token_id")
        self.forced_eos = ids(g.get("forced_eos_token_id"))
        self.length_penalty = g.get("length_penalty", 1.0)
        self.early_stopping = g.get("early_stopping", False)


def process(tokens, scores, o):
    """The logits processors, in _get_logits_processor's order."""
    scores = scores.copy()
    cur_len = len(tokens)
    n = o.no_repeat_ngram_size
    if n > 0 and cur_len + 1 >= n:  # _calc_banned_ngram_tokens returns nothing while cur_len + 1 < n
        prefix = tuple(tokens[cur_len + 1 - n:])
        for i in range(cur_len - n + 1):
            if tuple(tokens[i:i + n - 1]) == prefix:
                scores[tokens[i + n - 1]] = NEG_INF
    if o.min_length > 0 and o.eos is not None and cur_len < o.min_length:
        scores[o.eos] = NEG_INF  # MinLengthLogitsProcessor: isin(vocab, eos_token_id) -> every eos token
    if o.forced_bos is not None and cur_len == 1:
        scores[:] = NEG_INF
        scores[o.forced_bos] = 0.0
    if o.forced_eos is not None and cur_len == o.max_length - 1:
        scores[:] = NEG_INF
        scores[o.forced_eos] = 0.0  # ForcedEOSTokenLogitsProcessor: every listed token
    return scores


def greedy(model, encoder_hidden, o):
    tokens = [o.start]
    while True:
        scores = process(tokens, model.decoder_logits(encoder_hidden, tokens)[-1], o)
        tokens.append(int(np.argmax(scores)))  # the first of equal maxima, as torch.argmax
        if tokens[-1] in o.eos or len(tokens) >= o.max_length:  # EosTokenCriteria (isin), MaxLengthCriteria
            return tokens


def top(values, k):
    """Indices of the k largest values, ties by lower index (torch.topk leaves ties unordered)."""
    return sorted(range(len(values)), key=lambda i: (-values[i], i))[:k]


def beam_search(model, encoder_hidden, o, cut_length_offset=0, keep_for_one_eos=False):
    """cut_length_offset, keep_for_one_eos: only to search for discriminating scenarios (see contrasts()); 0 and
    False are transformers'."""
    beams = o.num_beams
    keep = max(2, 1 + (1 if keep_for_one_eos else len(o.eos))) * beams  # beams_to_keep: n_eos_tokens = eos.shape[0]
    prompt_len = 1
    cur_len = 1
    lp = o.length_penalty
    running = [[o.start] for _ in range(beams)]
    running_scores = [0.0] + [-1.0e9] * (beams - 1)
    finished = [[o.start] for _ in range(beams)]
    finished_scores = [-1.0e9] * beams
    finished_flags = [False] * beams
    unsatisfied = True
    while True:
        flat = []
        for b in range(beams):
            log_probs = process(running[b], log_softmax(model.decoder_logits(encoder_hidden, running[b])[-1]), o)
            flat.extend(log_probs + running_scores[b])
        vocab = len(flat) // beams
        chosen = top(flat, keep)
        topk_scores = [flat[i] for i in chosen]
        topk_seqs = [running[i // vocab] + [i % vocab] for i in chosen]
        hits = [s[-1] in o.eos or len(s) >= o.max_length for s in topk_seqs]

        # _get_running_beams_for_next_iteration
        penalised = [s + (-1.0e9 if hit else 0.0) for s, hit in zip(topk_scores, hits)]
        nxt = top(penalised, beams)
        new_running = [topk_seqs[i] for i in nxt]
        new_running_scores = [penalised[i] for i in nxt]

        # _update_finished_beams
        full = all(finished_flags) and o.early_stopping is True
        candidates = []
        for r, (score, hit) in enumerate(zip(topk_scores, hits)):
            just = hit and r < beams
            length = cur_len + 1 - prompt_len + (cut_length_offset if len(topk_seqs[r]) >= o.max_length else 0)
            value = score / (length ** lp)
            value += -1.0e9 if full else 0.0
            value += -1.0e9 if not unsatisfied else 0.0
            value += -1.0e9 if not just else 0.0
            candidates.append((value, topk_seqs[r], just))
        merged = [(s, q, f) for s, q, f in zip(finished_scores, finished, finished_flags)] + candidates
        best = top([m[0] for m in merged], beams)
        finished_scores = [merged[i][0] for i in best]
        finished = [merged[i][1] for i in best]
        finished_flags = [merged[i][2] for i in best]
        running, running_scores = new_running, new_running_scores
        cur_len += 1

        # _check_early_stop_heuristic
        if o.early_stopping == "never" and lp > 0.0:
            hypothetical = o.max_length - prompt_len
        else:
            hypothetical = cur_len - prompt_len
        best_possible = running_scores[0] / (hypothetical ** lp)
        worst = [min(finished_scores) if flag else -1.0e9 for flag in finished_flags]
        unsatisfied = unsatisfied and any(best_possible > x for x in worst)
        # _beam_search_has_unfinished_sequences
        open_beam = not (all(finished_flags) and o.early_stopping is True)
        if not (unsatisfied and open_beam and not all(hits)):
            return finished[0]


def generate(model, encoder_hidden, o):
    return beam_search(model, encoder_hidden, o) if o.num_beams > 1 else greedy(model, encoder_hidden, o)


SCENARIOS = [
    ("defaults_from_generation_config", {}),
    ("greedy_with_controls", {"num_beams": 1}),
    ("greedy_min_length_only", {"num_beams": 1, "min_length": 9, "no_repeat_ngram_size": 0, "forced_bos_token_id": None,
                                "forced_eos_token_id": None, "max_length": 20}),
    ("beam4_ngram3_lp2", {"num_beams": 4, "no_repeat_ngram_size": 3, "length_penalty": 2.0}),
    ("beam4_heuristic_stop", {"num_beams": 4, "early_stopping": False, "length_penalty": 1.0}),
    ("beam3_never_max_new_tokens", {"num_beams": 3, "early_stopping": "never", "length_penalty": 0.5,
                                    "max_new_tokens": 12, "forced_eos_token_id": None}),
    # no eos allowed: max_new_tokens alone ends the search (beam search then finishes every beam at max_length)
    ("greedy_max_new_tokens_binds", {"num_beams": 1, "min_length": 30, "max_new_tokens": 9, "forced_eos_token_id": None}),
    ("beam4_max_new_tokens_binds", {"num_beams": 4, "min_length": 30, "max_new_tokens": 9, "forced_eos_token_id": None,
                                    "length_penalty": 2.0}),
]

# Options whose every value must change the output on at least one base, so that a mistake in any of them fails a
# test: (key, values, bases tried in order). min_length is added per base at its boundary (see contrasts()).
CONTRASTS = [
    ("no_repeat_ngram_size", [0, 2, 3, 4], [{"num_beams": 1}, {"num_beams": 4}, {"num_beams": 2, "length_penalty": 1.0}]),
    ("early_stopping", [True, False, "never"], [{"num_beams": b, "length_penalty": lp, "no_repeat_ngram_size": n}
                                               for n in (3, 0, 2) for lp in (2.0, 1.0, 0.5, -1.0) for b in (2, 3, 4)]),
    ("length_penalty", [0.5, 2.0], [{"num_beams": b, "early_stopping": e, "no_repeat_ngram_size": n}
                                    for n in (3, 0) for e in (True, False, "never") for b in (4, 3, 2)]),
    ("num_beams", [1, 2, 4], [{}, {"no_repeat_ngram_size": 0}, {"length_penalty": 1.0}]),
    ("forced_bos_token_id", [None, 0], [{"num_beams": 1}, {"num_beams": 4}]),
    ("forced_eos_token_id", [None, 2], [{"num_beams": 1, "min_length": 30, "max_length": 12}, {"num_beams": 4, "min_length": 30, "max_length": 12}]),
    ("decoder_start_token_id", [2, 0], [{"num_beams": 1}, {"num_beams": 4}]),
]


def options_for(defaults, model, overrides):
    values = dict(defaults)
    values.update(overrides)
    return Options(values, model.config)


def contrasts(model, hidden, defaults):
    """Scenarios where each listed option decides the output (all its values give different sequences)."""
    out = []
    for key, values, bases in CONTRASTS:
        for base in bases:
            runs = [(dict(base, **{key: v}), generate(model, hidden, options_for(defaults, model, dict(base, **{key: v})))) for v in values]
            if len({tuple(seq) for _, seq in runs}) == len(values):
                out.extend((f"{key}={overrides[key]} on {base}", overrides, seq) for overrides, seq in runs)
                break
        else:
            raise AssertionError(f"no base on which every value of {key} changes the output")
    # hypotheses cut at max_length compete with finished ones by their length-normalised scores: a scenario where
    # counting their length one higher would change the output
    def cut_scenarios():
        for nrng in (3, 0, 2):
            for beams in (4, 3, 2):
                for lp in (2.0, -1.0, 1.0, 3.0, -2.0, 0.5):
                    for new_tokens in range(3, 21):
                        yield {"num_beams": beams, "early_stopping": "never", "length_penalty": lp, "max_new_tokens": new_tokens,
                               "forced_eos_token_id": None, "no_repeat_ngram_size": nrng}

    for overrides in cut_scenarios():
        o = options_for(defaults, model, overrides)
        seq = beam_search(model, hidden, o)
        if seq != beam_search(model, hidden, o, cut_length_offset=1):
            out.append((f"max_length cut scored against finished hypotheses {overrides}", overrides, seq))
            break
    else:
        raise AssertionError("no scenario where the length of hypotheses cut at max_length decides the output")
    # min_length at its boundary: m = L bans the eos the unconstrained search emits at cur_len L - 1, m = L - 1 does not
    for base in ({"num_beams": 1}, {"num_beams": 4}):
        free = generate(model, hidden, options_for(defaults, model, dict(base, min_length=0)))
        if free[-1] != defaults["eos_token_id"] or len(free) >= options_for(defaults, model, base).max_length:
            raise AssertionError(f"the unconstrained search on {base} does not end with eos: {free}")
        for m in (len(free) - 1, len(free)):
            overrides = dict(base, min_length=m)
            seq = generate(model, hidden, options_for(defaults, model, overrides))
            # greedy: only m = L changes the output; beams also see eos banned on other hypotheses, so m = L - 1 may too
            assert seq != free if m == len(free) else (base["num_beams"] > 1 or seq == free), (m, seq, free)
            out.append((f"min_length boundary {m} on {base}", overrides, seq))
    return out


def eos_scenarios(model, hidden, defaults):
    """eos_token_id as a list: the search stops on any of its tokens, min_length bans them all, and beam search keeps
    max(2, 1 + n_eos)·num_beams continuations; a scenario for each where the single-eos reading would differ."""
    out = []
    eos = defaults["eos_token_id"]
    for base in ({"num_beams": 1}, {"num_beams": 4}):
        free = generate(model, hidden, options_for(defaults, model, base))
        # a token the free search first emits past min_length (so min_length never bans it), made a second eos
        # token, ends the search there
        first = max(2, defaults.get("min_length", 0))
        second = next(t for i, t in enumerate(free[:-1]) if i >= first and t != eos and t not in free[:i])
        overrides = dict(base, eos_token_id=[eos, second])
        stopped = generate(model, hidden, options_for(defaults, model, overrides))
        # (beam search may still prefer a longer hypothesis; it must differ from the single-eos search all the same)
        assert stopped != free and (base["num_beams"] > 1 or stopped[-1] == second), (free, stopped)
        out.append((f"second eos token {second} on {base}", overrides, stopped))
        # min_length up to where it stopped bans the second eos token as well as the first
        overrides = dict(overrides, min_length=len(stopped))
        banned = generate(model, hidden, options_for(defaults, model, overrides))
        assert banned != stopped and not set(banned[1:len(stopped)]) & {eos, second}, (stopped, banned)
        out.append((f"min_length {len(stopped)} bans both eos tokens on {base}", overrides, banned))
    # beams_to_keep grows with the eos tokens: a scenario where keeping 2·num_beams (one eos) would differ
    tokens = [t for t in dict.fromkeys(generate(model, hidden, options_for(defaults, model, {"num_beams": 4}))[1:]) if t != eos]
    def keep_scenarios():
        for beams in (2, 3, 4):
            for nrng in (0, 3):
                for extra in [[t] for t in tokens] + [tokens[i:i + 2] for i in range(len(tokens) - 1)]:
                    yield {"num_beams": beams, "no_repeat_ngram_size": nrng, "eos_token_id": [eos] + extra, "early_stopping": "never",
                           "length_penalty": 1.0, "forced_eos_token_id": None}
    for overrides in keep_scenarios():
        o = options_for(defaults, model, overrides)
        seq = beam_search(model, hidden, o)
        if seq != beam_search(model, hidden, o, keep_for_one_eos=True):
            out.append((f"beams_to_keep for {len(o.eos)} eos tokens {overrides}", overrides, seq))
            break
    else:
        raise AssertionError("no scenario where beams_to_keep for several eos tokens decides the output")
    return out


def decode(folder, ids):
    """tokenizers' decode(ids, skip_special_tokens=True) for the byte-level BPE of led_synthetic: the special added
    tokens dropped, each byte symbol mapped back to its byte (GPT-2's alphabet), UTF-8 with U+FFFD for bad bytes."""
    with open(folder + "/tokenizer.json", encoding="utf-8") as f:
        tokenizer = json.load(f)
    special = {t["id"] for t in tokenizer["added_tokens"] if t["special"]}
    by_id = {i: token for token, i in tokenizer["model"]["vocab"].items()}
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    byte_of = {chr(b): b for b in printable}
    n = 0
    for b in range(256):
        if b not in printable:
            byte_of[chr(256 + n)] = b
            n += 1
    data = bytes(byte_of[c] for i in ids if i not in special for c in by_id[i])
    return data.decode("utf-8", errors="replace")


def document(vocab, n, seed):
    """<s> random tokens </s>: ids 3 .. vocab-1 between bos 0 and eos 2."""
    rng = np.random.default_rng(seed)
    return [0] + [int(x) for x in rng.integers(3, vocab, n - 2)] + [2]


MORE_GLOBALS = (0, 1, 2, 3, 9, 30)


def fixture(folder):
    model = Led(folder)
    with open(folder + "/generation_config.json") as f:
        defaults = json.load(f)
    ids = document(model.config["vocab_size"], 45, 7)
    hidden = model.encode(ids, (0,))
    start = defaults["decoder_start_token_id"]
    prefix = [start, 0, 17, 230, 45]
    scenarios = []
    for name, overrides in SCENARIOS:
        sequence = generate(model, hidden, options_for(defaults, model, overrides))
        scenarios.append({"name": name, "overrides": overrides, "sequence": sequence, "text": decode(folder, sequence)})
    for name, overrides, sequence in contrasts(model, hidden, defaults) + eos_scenarios(model, hidden, defaults):
        scenarios.append({"name": name, "overrides": overrides, "sequence": sequence, "text": decode(folder, sequence)})
    return {
        "input_ids": ids,
        "global_positions": [0],
        "encoder_hidden": hidden.tolist(),
        # global attention beyond the first token (a title's tokens, say), as the processor's global_fields give
        "more_global_positions": list(MORE_GLOBALS),
        "encoder_hidden_more_globals": model.encode(ids, MORE_GLOBALS).tolist(),
        "first_step_logits": model.decoder_logits(hidden, [start])[-1].tolist(),
        "prefix": prefix,
        "prefix_logits": model.decoder_logits(hidden, prefix).tolist(),
        "scenarios": scenarios,
    }


if __name__ == "__main__":
    with open(sys.argv[2], "w") as out:
        json.dump(fixture(sys.argv[1]), out)
