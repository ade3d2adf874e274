// The language model of the tiny models: a miniature Qwen2 decoder (RMSNorm, rotary position
// embeddings — multimodal M-RoPE when `mropeSection` is set —, grouped-query attention with a KV
// cache, SwiGLU MLP) and its token embedding graph, in the tensor names transformers.js exports use.
import { Graph, T, linear, rmsNorm, silu, uniform } from './onnx-graph.mjs';

/** embed_tokens.onnx: input_ids [batch, seq] int64 → inputs_embeds [batch, seq, hidden]. */
export function buildEmbedTokens(cfg, rand) {
  const g = new Graph('embed_tokens');
  g.input('input_ids', T.INT64, ['batch_size', 'sequence_length']);
  const w = g.weight(
    'model.embed_tokens.weight',
    [cfg.vocabSize, cfg.hidden],
    uniform(rand, cfg.vocabSize * cfg.hidden, 1),
  );
  g.op('Gather', [w, 'input_ids'], { axis: 0 }, { outputs: ['inputs_embeds'] });
  g.output('inputs_embeds', T.FLOAT, ['batch_size', 'sequence_length', cfg.hidden]);
  return g;
}

function rotateHalf(g, x, half) {
  const x1 = g.op('Slice', [x, g.i64([0]), g.i64([half]), g.i64([-1])]);
  const x2 = g.op('Slice', [x, g.i64([half]), g.i64([2 * half]), g.i64([-1])]);
  return g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
}

function applyRope(g, x, cos, sin, half) {
  return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotateHalf(g, x, half), sin])]);
}

/** cos/sin [batch, seq, headDim] from position_ids ([batch, seq], or [3, batch, seq] for M-RoPE). */
function ropeTables(g, cfg) {
  const half = cfg.headDim / 2;
  const invFreq = Array.from(
    { length: half },
    (_, i) => 1 / cfg.ropeTheta ** ((2 * i) / cfg.headDim),
  );
  const invFull = g.f32([...invFreq, ...invFreq]);
  const pos = g.op('Unsqueeze', [g.op('Cast', ['position_ids'], { to: T.FLOAT }), g.i64([-1])]);
  let freqs = g.op('Mul', [pos, invFull]);
  if (cfg.mropeSection) {
    // Dimension d of the (doubled) frequency vector takes its position from component t, h or w
    // per the section sizes, as in Qwen2-VL's apply_multimodal_rotary_pos_emb.
    const sections = [...cfg.mropeSection, ...cfg.mropeSection];
    const onehot = [];
    for (let c = 0; c < 3; c++) {
      sections.forEach((n, i) => {
        for (let k = 0; k < n; k++) onehot.push(i % 3 === c ? 1 : 0);
      });
    }
    freqs = g.op(
      'ReduceSum',
      [g.op('Mul', [freqs, g.f32(onehot, [3, 1, 1, cfg.headDim])]), g.i64([0])],
      { keepdims: 0 },
    );
  }
  return { cos: g.op('Cos', [freqs]), sin: g.op('Sin', [freqs]), half };
}

/** Additive mask [batch, 1, 1, seq, total]: causal over absolute positions and attention_mask. */
function attentionMask(g) {
  const total = g.op('Gather', [g.op('Shape', ['attention_mask']), g.i64([1], [])], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', ['inputs_embeds']), g.i64([1], [])], { axis: 0 });
  const past = g.op('Sub', [total, seq]);
  const kIdx = g.op('Range', [g.i64([0], []), total, g.i64([1], [])]);
  const qIdx = g.op('Range', [past, total, g.i64([1], [])]);
  const causal = g.op('LessOrEqual', [
    g.op('Unsqueeze', [kIdx, g.i64([0])]),
    g.op('Unsqueeze', [qIdx, g.i64([1])]),
  ]);
  const keep = g.op('Unsqueeze', [
    g.op('Cast', ['attention_mask'], { to: T.BOOL }),
    g.i64([1, 2, 3]),
  ]);
  return g.op('Where', [g.op('And', [causal, keep]), g.f32([0], []), g.f32([-1e9], [])]);
}

/**
 * decoder_model_merged.onnx: inputs_embeds, attention_mask, position_ids, past_key_values.{i}.key|value,
 * num_logits_to_keep → logits [batch, kept, vocab], present.{i}.key|value.
 */
export function buildDecoder(cfg, rand) {
  const { hidden: H, heads, kvHeads, headDim: hd, layers } = cfg;
  const rep = heads / kvHeads;
  const g = new Graph('decoder_model_merged');
  g.input('inputs_embeds', T.FLOAT, ['batch_size', 'sequence_length', H]);
  g.input('attention_mask', T.INT64, ['batch_size', 'total_sequence_length']);
  g.input(
    'position_ids',
    T.INT64,
    cfg.mropeSection ? [3, 'batch_size', 'sequence_length'] : ['batch_size', 'sequence_length'],
  );
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'])
      g.input(`past_key_values.${i}.${kv}`, T.FLOAT, [
        'batch_size',
        kvHeads,
        'past_sequence_length',
        hd,
      ]);
  }
  g.input('num_logits_to_keep', T.INT64, []);

  const { cos, sin, half } = ropeTables(g, cfg);
  const cos4 = g.op('Unsqueeze', [cos, g.i64([2])]);
  const sin4 = g.op('Unsqueeze', [sin, g.i64([2])]);
  const mask = attentionMask(g);
  const scale = g.f32([1 / Math.sqrt(hd)], []);
  let x = 'inputs_embeds';
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    const h = rmsNorm(g, x, `${p}.input_layernorm`, rand, H, cfg.eps);
    const heads4 = (t, n) => g.op('Reshape', [t, g.i64([0, 0, n, hd])]);
    let q = heads4(linear(g, h, `${p}.self_attn.q_proj`, rand, H, heads * hd), heads);
    let k = heads4(linear(g, h, `${p}.self_attn.k_proj`, rand, H, kvHeads * hd), kvHeads);
    const v = heads4(linear(g, h, `${p}.self_attn.v_proj`, rand, H, kvHeads * hd), kvHeads);
    q = g.op('Transpose', [applyRope(g, q, cos4, sin4, half)], { perm: [0, 2, 1, 3] });
    k = g.op('Transpose', [applyRope(g, k, cos4, sin4, half)], { perm: [0, 2, 1, 3] });
    const vT = g.op('Transpose', [v], { perm: [0, 2, 1, 3] });
    const presentK = g.op(
      'Concat',
      [`past_key_values.${i}.key`, k],
      { axis: 2 },
      { outputs: [`present.${i}.key`] },
    );
    const presentV = g.op(
      'Concat',
      [`past_key_values.${i}.value`, vT],
      { axis: 2 },
      { outputs: [`present.${i}.value`] },
    );
    // Grouped-query attention without copying K/V: queries grouped [b, kv, rep, s, d] broadcast
    // against K/V [b, kv, 1, t, d].
    const q5 = g.op('Reshape', [q, g.i64([0, kvHeads, rep, -1, hd])]);
    const k5 = g.op('Transpose', [g.op('Unsqueeze', [presentK, g.i64([2])])], {
      perm: [0, 1, 2, 4, 3],
    });
    const v5 = g.op('Unsqueeze', [presentV, g.i64([2])]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q5, k5]), scale]), mask]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v5]);
    const merged = g.op('Reshape', [
      g.op('Transpose', [g.op('Reshape', [ctx, g.i64([0, heads, -1, hd])])], {
        perm: [0, 2, 1, 3],
      }),
      g.i64([0, 0, heads * hd]),
    ]);
    x = g.op('Add', [
      x,
      linear(g, merged, `${p}.self_attn.o_proj`, rand, heads * hd, H, { bias: false }),
    ]);
    const h2 = rmsNorm(g, x, `${p}.post_attention_layernorm`, rand, H, cfg.eps);
    const gate = silu(g, linear(g, h2, `${p}.mlp.gate_proj`, rand, H, cfg.inter, { bias: false }));
    const up = linear(g, h2, `${p}.mlp.up_proj`, rand, H, cfg.inter, { bias: false });
    x = g.op('Add', [
      x,
      linear(g, g.op('Mul', [gate, up]), `${p}.mlp.down_proj`, rand, cfg.inter, H, { bias: false }),
    ]);
  }
  const normed = rmsNorm(g, x, 'model.norm', rand, H, cfg.eps);
  // Only the last `num_logits_to_keep` positions reach the LM head (0 keeps all): scoring needs one.
  const start = g.op('Neg', [g.op('Reshape', ['num_logits_to_keep', g.i64([1])])]);
  const kept = g.op('Slice', [normed, start, g.i64([2 ** 62]), g.i64([1])]);
  const lmHead = g.weight(
    'lm_head.weight',
    [H, cfg.vocabSize],
    uniform(rand, H * cfg.vocabSize, 4 / Math.sqrt(H)),
  );
  g.op('MatMul', [kept, lmHead], {}, { outputs: ['logits'] });
  g.output('logits', T.FLOAT, ['batch_size', 'num_logits', cfg.vocabSize]);
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value'])
      g.output(`present.${i}.${kv}`, T.FLOAT, ['batch_size', kvHeads, 'total_sequence_length', hd]);
  }
  return g;
}
