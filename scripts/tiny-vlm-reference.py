#!/usr/bin/python3
"""Independent NumPy forward pass of the tiny vision-language models (gen-tiny-models.mjs).

Written from the architectures' definitions (Qwen2 decoder: RMSNorm, rotary embeddings with
Qwen2-VL's multimodal M-RoPE, grouped-query attention, SwiGLU; SigLIP-style vision layer; LLaVA-
OneVision 2x2 pooling + newline; the VQA² motion branch; Qwen2-VL patch order, patch merger and
rope index), not from the ONNX graphs. It reads the weights out of the folder's .onnx files with
a minimal protobuf reader, tokenizes the prompt with its own byte-level BPE, and computes in
float64.

Usage: tiny-vlm-reference.py REQUEST.json  ->  JSON on stdout
REQUEST: {"model": DIR, "text": prompt with unexpanded placeholders,
          "keyFrames": {"file": raw RGB24, "count": N, "width": W, "height": H},
          "motionFrames": {...same, optional}, "extraIds": [token ids appended after the prompt]}
OUTPUT:  {"ids": expanded ids, "positionIds": [[...]] (3 rows for Qwen, 1 otherwise),
          "logits": [[vocab] per position of the last len(extraIds)+1 positions]}
"""
import json
import re
import sys

import numpy as np

# ---- minimal protobuf reader: ModelProto.graph(7).initializer(5) -> TensorProto -------------


def _varint(buf, i):
    shift = 0
    out = 0
    while True:
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        if b < 0x80:
            return out, i
        shift += 7


def _fields(buf):
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = _varint(buf, i)
        elif wire == 2:
            n, i = _varint(buf, i)
            val = buf[i:i + n]
            i += n
        elif wire == 5:
            val = buf[i:i + 4]
            i += 4
        elif wire == 1:
            val = buf[i:i + 8]
            i += 8
        else:
            raise ValueError('unsupported wire type %d' % wire)
        yield num, wire, val


def read_initializers(path):
    data = open(path, 'rb').read()
    graph = next(v for n, w, v in _fields(data) if n == 7)
    out = {}
    for n, w, v in _fields(graph):
        if n != 5:
            continue
        dims, dtype, name, raw = [], None, None, None
        for fn, fw, fv in _fields(v):
            if fn == 1:
                if fw == 0:
                    dims.append(fv)
                else:  # packed
                    j = 0
                    while j < len(fv):
                        d, j = _varint(fv, j)
                        dims.append(d)
            elif fn == 2:
                dtype = fv
            elif fn == 8:
                name = fv.decode()
            elif fn == 9:
                raw = fv
        if dtype == 1 and raw is not None:  # FLOAT
            out[name] = np.frombuffer(raw, dtype='<f4').reshape(dims).astype(np.float64)
    return out

# ---- tokenizer: byte-level BPE -----------------------------------------------------------


def bytes_to_unicode():
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


# GPT-2's pre-tokenizer pattern; letters as [^\W\d_] since `re` has no \p{L}.
PRETOK = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")


def tokenize(text, tok):
    vocab = tok['model']['vocab']
    ranks = {tuple(m.split(' ')) if isinstance(m, str) else tuple(m): i for i, m in enumerate(tok['model']['merges'])}
    specials = {t['content']: t['id'] for t in tok['added_tokens']}
    b2u = bytes_to_unicode()
    pattern = '(' + '|'.join(re.escape(s) for s in sorted(specials, key=len, reverse=True)) + ')'
    ids = []
    for chunk in re.split(pattern, text):
        if not chunk:
            continue
        if chunk in specials:
            ids.append(specials[chunk])
            continue
        for word in PRETOK.findall(chunk):
            parts = [b2u[b] for b in word.encode('utf-8')]
            while len(parts) > 1:
                pairs = [(ranks.get((parts[i], parts[i + 1]), 1e18), i) for i in range(len(parts) - 1)]
                r, i = min(pairs)
                if r == 1e18:
                    break
                parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
            ids.extend(vocab[p] for p in parts)
    return ids

# ---- layers ------------------------------------------------------------------------------


def rms_norm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def silu(x):
    return x / (1 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def lin(W, name, x, bias=True):
    y = x @ W[name + '.weight']
    return y + W[name + '.bias'] if bias else y


def load_frames(spec):
    raw = np.fromfile(spec['file'], dtype=np.uint8)
    return raw.reshape(spec['count'], spec['height'], spec['width'], 3).astype(np.float64)


def normalize(frames, rescale, mean, std):
    return (frames * rescale - np.array(mean)) / np.array(std)  # [N, H, W, 3]

# ---- vision towers -----------------------------------------------------------------------


def llava_key_features(W, cfg, frames):
    vc = cfg['vision_config']
    P, D, heads, eps = vc['patch_size'], vc['hidden_size'], vc['num_attention_heads'], vc['layer_norm_eps']
    N, S = frames.shape[0], frames.shape[1]
    g = S // P
    # A stride-P convolution with a P×P kernel = a matmul over (channel, row, col) patches.
    x = frames.transpose(0, 3, 1, 2).reshape(N, 3, g, P, g, P).transpose(0, 2, 4, 1, 3, 5).reshape(N, g * g, 3 * P * P)
    conv = W['vision_tower.embeddings.patch_embedding.weight'].reshape(D, -1)
    x = x @ conv.T + W['vision_tower.embeddings.patch_embedding.bias'] + W['vision_tower.embeddings.position_embedding.weight']
    p = 'vision_tower.encoder.layers.0'
    h = layer_norm(x, W[p + '.layer_norm1.weight'], W[p + '.layer_norm1.bias'], eps)
    hd = D // heads
    q, k, v = (lin(W, '%s.self_attn.%s_proj' % (p, n), h).reshape(N, -1, heads, hd).transpose(0, 2, 1, 3) for n in 'qkv')
    att = softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd)) @ v
    x = x + lin(W, p + '.self_attn.out_proj', att.transpose(0, 2, 1, 3).reshape(N, -1, D))
    h = layer_norm(x, W[p + '.layer_norm2.weight'], W[p + '.layer_norm2.bias'], eps)
    x = x + lin(W, p + '.mlp.fc2', gelu_tanh(lin(W, p + '.mlp.fc1', h)))
    x = layer_norm(x, W['vision_tower.post_layernorm.weight'], W['vision_tower.post_layernorm.bias'], eps)
    y = lin(W, 'multi_modal_projector.linear_2', gelu_tanh(lin(W, 'multi_modal_projector.linear_1', x)))
    Hd = y.shape[-1]
    y = y.reshape(N, g // 2, 2, g // 2, 2, Hd).mean(axis=(2, 4)).reshape(-1, Hd)
    return np.concatenate([y, W['image_newline']], axis=0)


def motion_features(W, frames, patch):
    M, S = frames.shape[0], frames.shape[1]
    g = S // patch
    x = frames.transpose(0, 3, 1, 2).reshape(M, 3, g, patch, g, patch).transpose(0, 2, 4, 1, 3, 5).reshape(M, g * g, -1)
    w = W['motion_tower.stem.weight']
    x = np.maximum(x @ w.reshape(w.shape[0], -1).T + W['motion_tower.stem.bias'], 0).mean(axis=1)
    x = x + W['motion_pos_embedding'][:M]
    return lin(W, 'motion_projector.linear_2', gelu_tanh(lin(W, 'motion_projector.linear_1', x)))


def qwen_patches(frames, vc):
    """Qwen2-VL image processor: pad time to the temporal patch, order patches by merge group."""
    P, TP, Mg = vc['patch_size'], vc['temporal_patch_size'], vc['spatial_merge_size']
    x = frames.transpose(0, 3, 1, 2)  # [T, C, H, W]
    if x.shape[0] % TP:
        x = np.concatenate([x, np.repeat(x[-1:], TP - x.shape[0] % TP, axis=0)])
    T, C, H, Wd = x.shape
    gt, gh, gw = T // TP, H // P, Wd // P
    x = x.reshape(gt, TP, C, gh // Mg, Mg, P, gw // Mg, Mg, P).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return x.reshape(gt * gh * gw, C * TP * P * P), (gt, gh, gw)


def qwen_features(W, cfg, patches):
    v25 = cfg['model_type'] == 'qwen2_5_vl'
    eps = 1e-6
    x = patches @ W['visual.patch_embed.proj.weight']
    p = 'visual.blocks.0'
    if v25:
        h = rms_norm(x, W[p + '.norm2.weight'], eps)
        x = x + lin(W, p + '.mlp.down_proj', silu(lin(W, p + '.mlp.gate_proj', h)) * lin(W, p + '.mlp.up_proj', h))
        x = rms_norm(x, W['visual.merger.ln_q.weight'], eps)
    else:
        h = layer_norm(x, W[p + '.norm2.weight'], W[p + '.norm2.bias'], eps)
        x = x + lin(W, p + '.mlp.fc2', gelu_tanh(lin(W, p + '.mlp.fc1', h)))
        x = layer_norm(x, W['visual.merger.ln_q.weight'], W['visual.merger.ln_q.bias'], eps)
    Mg = cfg['vision_config']['spatial_merge_size']
    x = x.reshape(-1, x.shape[-1] * Mg * Mg)
    return lin(W, 'visual.merger.mlp.2', gelu_tanh(lin(W, 'visual.merger.mlp.0', x)))


def qwen_rope_index(ids, cfg, grid):
    """Qwen2-VL get_rope_index for one video: text runs count on, the video block gets (t, h, w)."""
    vid = cfg['video_token_id']
    Mg = cfg['vision_config']['spatial_merge_size']
    gt, gh, gw = grid[0], grid[1] // Mg, grid[2] // Mg
    t_scale = 1
    if cfg['model_type'] == 'qwen2_5_vl':
        # second_per_grid_t (temporal patch / fps at 1 fps) × tokens_per_second
        t_scale = int(cfg['vision_config']['temporal_patch_size'] / 1.0 * cfg['vision_config']['tokens_per_second'])
    pos = np.zeros((3, len(ids)), dtype=np.int64)
    i, nxt = 0, 0
    while i < len(ids):
        if ids[i] == vid:
            t = np.repeat(np.arange(gt) * t_scale, gh * gw)
            h = np.tile(np.repeat(np.arange(gh), gw), gt)
            w = np.tile(np.arange(gw), gt * gh)
            n = gt * gh * gw
            pos[:, i:i + n] = np.stack([t, h, w]) + nxt
            nxt = pos[:, i:i + n].max() + 1
            i += n
        else:
            pos[:, i] = nxt
            nxt += 1
            i += 1
    return pos

# ---- decoder -----------------------------------------------------------------------------


def rope(x, pos, theta, section):
    """x [heads, s, d]; pos [s] or [3, s] (M-RoPE: dims take t/h/w positions by section)."""
    d = x.shape[-1]
    inv = 1.0 / theta ** (np.arange(0, d, 2) / d)
    if section is None:
        ang = pos[:, None] * inv[None, :]
    else:
        comp = np.concatenate([np.full(n, i) for i, n in enumerate(section)])  # [d/2]
        ang = pos[comp, :].T * inv[None, :]
    ang = np.concatenate([ang, ang], axis=-1)
    x1, x2 = x[..., :d // 2], x[..., d // 2:]
    return x * np.cos(ang) + np.concatenate([-x2, x1], axis=-1) * np.sin(ang)


def decoder_logits(W, tc, emb, pos, section):
    H, nh, nkv, hd = tc['hidden_size'], tc['num_attention_heads'], tc['num_key_value_heads'], tc['head_dim']
    eps, theta = tc['rms_norm_eps'], tc['rope_theta']
    s = emb.shape[0]
    causal = np.tril(np.ones((s, s), dtype=bool))
    x = emb
    for i in range(tc['num_hidden_layers']):
        p = 'model.layers.%d' % i
        h = rms_norm(x, W[p + '.input_layernorm.weight'], eps)
        q = lin(W, p + '.self_attn.q_proj', h).reshape(s, nh, hd).transpose(1, 0, 2)
        k = lin(W, p + '.self_attn.k_proj', h).reshape(s, nkv, hd).transpose(1, 0, 2)
        v = lin(W, p + '.self_attn.v_proj', h).reshape(s, nkv, hd).transpose(1, 0, 2)
        q, k = rope(q, pos, theta, section), rope(k, pos, theta, section)
        rep = nh // nkv
        k, v = np.repeat(k, rep, axis=0), np.repeat(v, rep, axis=0)  # head j uses kv head j // rep
        sc = np.where(causal, q @ k.transpose(0, 2, 1) / np.sqrt(hd), -np.inf)
        att = (softmax(sc) @ v).transpose(1, 0, 2).reshape(s, nh * hd)
        x = x + lin(W, p + '.self_attn.o_proj', att, bias=False)
        h = rms_norm(x, W[p + '.post_attention_layernorm.weight'], eps)
        x = x + lin(W, p + '.mlp.down_proj', silu(lin(W, p + '.mlp.gate_proj', h, False)) * lin(W, p + '.mlp.up_proj', h, False), False)
    return rms_norm(x, W['model.norm.weight'], eps) @ W['lm_head.weight']


def main():
    req = json.load(open(sys.argv[1]))
    d = req['model']
    cfg = json.load(open(d + '/config.json'))
    tok = json.load(open(d + '/tokenizer.json'))
    pre = json.load(open(d + '/preprocessor_config.json'))
    W = {}
    for f in ('vision_encoder', 'embed_tokens', 'decoder_model_merged'):
        W.update(read_initializers('%s/onnx/%s.onnx' % (d, f)))
    ids = tokenize(req['text'], tok)
    key = normalize(load_frames(req['keyFrames']), pre['rescale_factor'], pre['image_mean'], pre['image_std'])
    qwen = cfg['model_type'] in ('qwen2_vl', 'qwen2_5_vl')
    if qwen:
        tc = cfg
        patches, grid = qwen_patches(key, cfg['vision_config'])
        feats = [qwen_features(W, cfg, patches)]
        ph = [cfg['video_token_id']]
    else:
        tc = cfg['text_config']
        feats = [llava_key_features(W, cfg, key)]
        # LLaVA-OneVision marks video frames with its video token; the VQA² prompt uses <image> twice.
        ph = [cfg['image_token_index'] if 'motionFrames' in req else cfg['video_token_index']]
        if 'motionFrames' in req:
            v = json.load(open(d + '/vqa2.json'))['motionFrames']
            mf = normalize(load_frames(req['motionFrames']), v['rescale'], v['mean'], v['std'])
            feats.append(motion_features(W, mf, W['motion_tower.stem.weight'].shape[-1]))
            ph.append(cfg['image_token_index'])
    # Expand each placeholder token into its feature rows, in order.
    out_ids, rows, fi = [], [], 0
    for t in ids:
        if fi < len(ph) and t == ph[fi]:
            out_ids.extend([t] * feats[fi].shape[0])
            rows.extend(('f', fi, r) for r in range(feats[fi].shape[0]))
            fi += 1
        else:
            out_ids.append(t)
            rows.append(('t', t, 0))
    if fi != len(ph):
        raise SystemExit('prompt has %d placeholders, expected %d' % (fi, len(ph)))
    extra = req.get('extraIds', [])
    out_ids_all = out_ids + extra
    rows += [('t', t, 0) for t in extra]
    E = W['model.embed_tokens.weight']
    emb = np.stack([E[a] if k == 't' else feats[a][b] for k, a, b in rows])
    if qwen:
        pos = qwen_rope_index(out_ids, cfg, grid)
        nxt = pos.max() + 1
        pos = np.concatenate([pos, np.tile(np.arange(nxt, nxt + len(extra)), (3, 1))], axis=1)
        section = cfg['rope_scaling']['mrope_section']
    else:
        pos = np.arange(len(out_ids_all))[None, :]
        section = None
    logits = decoder_logits(W, tc, emb, pos if qwen else pos[0], section)
    json.dump({'ids': out_ids_all, 'positionIds': pos.tolist(), 'logits': logits[-(len(extra) + 1):].tolist()}, sys.stdout)


if __name__ == '__main__':
    main()
