// Vision encoders of the tiny models, small but real graphs:
//  - LLaVA-OneVision: SigLIP-style patch conv + position embedding + one pre-norm transformer layer,
//    2-layer GELU projector, 2×2 pooling of each frame's grid, one image_newline token at the end.
//  - the VQA² variant adds the motion branch: per motion frame a conv stem + global average pool
//    (standing in for SlowFast's fast pathway), a position embedding, and an MLP → one token each.
//  - Qwen2-VL / Qwen2.5-VL: flattened (temporal 2 × p × p) patches → linear patch embedding, one
//    pre-norm per-patch MLP layer, and the 2×2 patch merger (LayerNorm+GELU for Qwen2-VL,
//    RMSNorm+SwiGLU for Qwen2.5-VL).
import { Graph, T, gelu, layerNorm, linear, rmsNorm, silu, uniform } from './onnx-graph.mjs';

function siglipLayer(g, x, cfg, rand) {
  const { dim: D, heads } = cfg;
  const hd = D / heads;
  const p = 'vision_tower.encoder.layers.0';
  const h = layerNorm(g, x, `${p}.layer_norm1`, rand, D, cfg.eps);
  const split = (t) =>
    g.op('Transpose', [g.op('Reshape', [t, g.i64([0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });
  const q = split(linear(g, h, `${p}.self_attn.q_proj`, rand, D, D));
  const k = split(linear(g, h, `${p}.self_attn.k_proj`, rand, D, D));
  const v = split(linear(g, h, `${p}.self_attn.v_proj`, rand, D, D));
  const scores = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]),
    g.f32([1 / Math.sqrt(hd)], []),
  ]);
  const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
  const merged = g.op('Reshape', [
    g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }),
    g.i64([0, 0, D]),
  ]);
  x = g.op('Add', [x, linear(g, merged, `${p}.self_attn.out_proj`, rand, D, D)]);
  const h2 = layerNorm(g, x, `${p}.layer_norm2`, rand, D, cfg.eps);
  const m = linear(
    g,
    gelu(g, linear(g, h2, `${p}.mlp.fc1`, rand, D, cfg.mlp)),
    `${p}.mlp.fc2`,
    rand,
    cfg.mlp,
    D,
  );
  x = g.op('Add', [x, m]);
  return layerNorm(g, x, 'vision_tower.post_layernorm', rand, D, cfg.eps);
}

/** vision_encoder.onnx for llava_onevision (motion: false) and the VQA² variant (motion: true). */
export function buildLlavaVision(cfg, hidden, rand, { motion }) {
  const { size: S, patch: P, dim: D } = cfg;
  const grid = S / P;
  const g = new Graph('vision_encoder');
  g.input('pixel_values', T.FLOAT, ['num_frames', 3, S, S]);
  if (motion)
    g.input('motion_pixel_values', T.FLOAT, ['num_motion_frames', 3, motion.size, motion.size]);
  const convW = g.weight(
    'vision_tower.embeddings.patch_embedding.weight',
    [D, 3, P, P],
    uniform(rand, D * 3 * P * P, 1 / Math.sqrt(3 * P * P)),
  );
  const convB = g.weight(
    'vision_tower.embeddings.patch_embedding.bias',
    [D],
    uniform(rand, D, 0.1),
  );
  const conv = g.op('Conv', ['pixel_values', convW, convB], {
    kernel_shape: [P, P],
    strides: [P, P],
  });
  const tokens = g.op('Transpose', [g.op('Reshape', [conv, g.i64([0, D, -1])])], {
    perm: [0, 2, 1],
  });
  const pos = g.weight(
    'vision_tower.embeddings.position_embedding.weight',
    [grid * grid, D],
    uniform(rand, grid * grid * D, 0.5),
  );
  const enc = siglipLayer(g, g.op('Add', [tokens, pos]), cfg, rand);
  const proj = linear(
    g,
    gelu(g, linear(g, enc, 'multi_modal_projector.linear_1', rand, D, hidden)),
    'multi_modal_projector.linear_2',
    rand,
    hidden,
    hidden,
  );
  // 2×2 average pooling of each frame's grid (bilinear ×½ with half-pixel centres on an even grid).
  const nchw = g.op('Transpose', [g.op('Reshape', [proj, g.i64([-1, grid, grid, hidden])])], {
    perm: [0, 3, 1, 2],
  });
  const pooled = g.op('AveragePool', [nchw], { kernel_shape: [2, 2], strides: [2, 2] });
  const flat = g.op('Reshape', [
    g.op('Transpose', [g.op('Reshape', [pooled, g.i64([0, hidden, -1])])], { perm: [0, 2, 1] }),
    g.i64([-1, hidden]),
  ]);
  const newline = g.weight('image_newline', [1, hidden], uniform(rand, hidden, 1));
  g.op('Concat', [flat, newline], { axis: 0 }, { outputs: ['image_features'] });
  g.output('image_features', T.FLOAT, ['num_image_tokens', hidden]);
  if (motion) {
    const { patch: Pm, dim: Dm, maxFrames } = motion;
    const mW = g.weight(
      'motion_tower.stem.weight',
      [Dm, 3, Pm, Pm],
      uniform(rand, Dm * 3 * Pm * Pm, 1 / Math.sqrt(3 * Pm * Pm)),
    );
    const mB = g.weight('motion_tower.stem.bias', [Dm], uniform(rand, Dm, 0.1));
    const stem = g.op('Relu', [
      g.op('Conv', ['motion_pixel_values', mW, mB], { kernel_shape: [Pm, Pm], strides: [Pm, Pm] }),
    ]);
    const feat = g.op('ReduceMean', [stem], { axes: [2, 3], keepdims: 0 });
    const mPos = g.weight(
      'motion_pos_embedding',
      [maxFrames, Dm],
      uniform(rand, maxFrames * Dm, 0.5),
    );
    const count = g.op('Slice', [g.op('Shape', ['motion_pixel_values']), g.i64([0]), g.i64([1])]);
    const withPos = g.op('Add', [feat, g.op('Slice', [mPos, g.i64([0]), count, g.i64([0])])]);
    const m1 = gelu(g, linear(g, withPos, 'motion_projector.linear_1', rand, Dm, hidden));
    g.op(
      'Identity',
      [linear(g, m1, 'motion_projector.linear_2', rand, hidden, hidden)],
      {},
      { outputs: ['motion_features'] },
    );
    g.output('motion_features', T.FLOAT, ['num_motion_frames', hidden]);
  }
  return g;
}

/** vision_encoder.onnx for qwen2_vl (`grid_thw`) and qwen2_5_vl (`image_grid_thw`). */
export function buildQwenVision(cfg, hidden, rand, { v25 }) {
  const { patch: P, temporalPatch: TP, dim: D, merge: M } = cfg;
  const inDim = 3 * TP * P * P;
  const g = new Graph('vision_encoder');
  g.input('pixel_values', T.FLOAT, ['num_patches', inDim]);
  const gridName = v25 ? 'image_grid_thw' : 'grid_thw';
  g.input(gridName, T.INT64, ['num_grids', 3]);
  let x = linear(g, 'pixel_values', 'visual.patch_embed.proj', rand, inDim, D, { bias: false });
  const p = 'visual.blocks.0';
  if (v25) {
    const h = rmsNorm(g, x, `${p}.norm2`, rand, D, cfg.eps);
    const gate = silu(g, linear(g, h, `${p}.mlp.gate_proj`, rand, D, cfg.mlp));
    const up = linear(g, h, `${p}.mlp.up_proj`, rand, D, cfg.mlp);
    x = g.op('Add', [
      x,
      linear(g, g.op('Mul', [gate, up]), `${p}.mlp.down_proj`, rand, cfg.mlp, D),
    ]);
  } else {
    const h = layerNorm(g, x, `${p}.norm2`, rand, D, cfg.eps);
    x = g.op('Add', [
      x,
      linear(
        g,
        gelu(g, linear(g, h, `${p}.mlp.fc1`, rand, D, cfg.mlp)),
        `${p}.mlp.fc2`,
        rand,
        cfg.mlp,
        D,
      ),
    ]);
  }
  const q = v25
    ? rmsNorm(g, x, 'visual.merger.ln_q', rand, D, cfg.eps)
    : layerNorm(g, x, 'visual.merger.ln_q', rand, D, cfg.eps);
  // The processor orders patches so that each M×M merge group is contiguous.
  const groups = g.op('Reshape', [q, g.i64([-1, D * M * M])]);
  const m1 = gelu(g, linear(g, groups, 'visual.merger.mlp.0', rand, D * M * M, D * M * M));
  const feats = linear(g, m1, 'visual.merger.mlp.2', rand, D * M * M, hidden);
  // Patches per grid must fill whole merge groups: Σ t·h·w / M² rows, checked by this Reshape.
  const rows = g.op('Div', [
    g.op('ReduceSum', [g.op('ReduceProd', [gridName], { axes: [1], keepdims: 0 }), g.i64([0])], {
      keepdims: 1,
    }),
    g.i64([M * M]),
  ]);
  g.op(
    'Reshape',
    [feats, g.op('Concat', [rows, g.i64([hidden])], { axis: 0 })],
    {},
    { outputs: ['image_features'] },
  );
  g.output('image_features', T.FLOAT, ['num_image_tokens', hidden]);
  return g;
}
