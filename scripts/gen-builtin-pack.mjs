#!/usr/bin/env node
// Generates the built-in no-reference model pack `resources/models/builtin-nr/`:
//   brisque.onnx   BRISQUE (Mittal, Moorthy, Bovik 2012) as OpenCV's cv::quality::QualityBRISQUE
//                  computes it, with the LIVE-trained epsilon-SVR shipped by OpenCV
//                  (Debian: opencv-data, /usr/share/opencv4/quality/brisque_{model,range}_live.yml).
//   segment.onnx   the pack's segment model: the same BRISQUE nodes on a segment's key frames, plus
//                  blur (Crété-Roffet 2007), noise (flattest-block Haar HH estimate), coding artefacts
//                  (Wang, Sheikh & Bovik 2002), exposure and frame-difference
//                  measures (temporal.ts) and the fixed level head (HEAD below) -> five level logits.
//   manifest.json  pack manifest (inputs/outputs/license, scoring settings, the head's coefficients).
//
// Usage:
//   node scripts/gen-builtin-pack.mjs            write the pack
//   node scripts/gen-builtin-pack.mjs --check    regenerate in memory, exit 1 if an .onnx file differs
//   options: --out DIR  --model FILE  --range FILE
//
// The output is deterministic: no timestamps, nodes and initializers in a fixed order, numbers
// written as little-endian raw bytes. Written as .mjs because Node 20 cannot run .ts directly.
//
// Faithfulness notes (see resources/models/builtin-nr/README.md for the full derivation):
//  - gray = OpenCV's 8-bit BGR2GRAY (fixed point, 15-bit coefficients 9798/19235/3735), /255 as float32
//  - scale 2 = cv::resize(INTER_CUBIC, a=-0.75, half-pixel centres, replicated border) to floor(W/2) x floor(H/2);
//    for even W and H an exact stride-2 4-tap separable filter, otherwise ONNX Resize (an If picks)
//  - local mean/variance = GaussianBlur 7x7, sigma 7/6, BORDER_REPLICATE, float32, separable (rows then columns)
//  - performance: no one-channel Conv (ORT runs those in its blocked NCHWc layout, padding the output
//    to 8/16 channels, plus reorders); the outputs stay bit-identical to the earlier all-Conv graph
//    under ORT's default x86 CPU path; see the README's "Performance"
//  - MSCN = (I - mu) / (sqrt(var) + 1/255); where var < 0 OpenCV gets NaN, which its AGGD fit then
//    treats as a zero coefficient: we write 0 there
//  - AGGD sums accumulated in float64 (cv::sum accumulates float32 images in double); shape parameter
//    = the table alpha in {0.2, 0.201, ...} (accumulated in double like the C loop) whose
//    r(alpha) = G(2/a)^2 / (G(1/a) G(3/a)) is closest to the normalised r-hat (ArgMin)
//  - features scaled to [-1, 1] with the range file in float32, then the RBF epsilon-SVR
//    (sum in float64, kernel values in float32 as in cv::ml::SVM), clamped to [0, 100]

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const PACK_ID = 'builtin-nr';
export const PACK_VERSION = '2.5.0';
export const DEFAULT_MODEL_YML = '/usr/share/opencv4/quality/brisque_model_live.yml';
export const DEFAULT_RANGE_YML = '/usr/share/opencv4/quality/brisque_range_live.yml';
export const OPSET = 17;
/** Output samples per map and blur Conv call: 2 maps x 8 fill ORT's 16-channel blocks (AVX-512). */
export const BLUR_BLOCK = 8;

// ---------------------------------------------------------------------------------------------
// A small parser for the YAML subset that OpenCV's cv::FileStorage writes:
// block mappings/sequences by indentation, flow sequences/mappings (possibly spanning lines),
// plain scalars, and the `!!opencv-matrix` tag (rows/cols/dt/data) -> { rows, cols, dt, data }.
// Anything else throws, so a file in another shape is reported instead of misread.
// ---------------------------------------------------------------------------------------------

function parseScalar(text) {
  const t = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^[-+]?\.inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^\.nan$/i.test(t)) return NaN;
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))
    return t.slice(1, -1);
  if (/[[\]{}]/.test(t))
    throw new Error(`OpenCV YAML: unexpected flow characters in scalar "${t}"`);
  return t;
}

function parseFlow(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = () => {
    ws();
    if (text[i] === '[') {
      i++;
      const out = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        throw new Error(`OpenCV YAML: bad flow sequence near "${text.slice(i, i + 20)}"`);
      }
    }
    if (text[i] === '{') {
      i++;
      const out = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const colon = text.indexOf(':', i);
        if (colon < 0) throw new Error('OpenCV YAML: flow mapping without ":"');
        const key = text.slice(i, colon).trim();
        i = colon + 1;
        out[key] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        throw new Error(`OpenCV YAML: bad flow mapping near "${text.slice(i, i + 20)}"`);
      }
    }
    const start = i;
    while (i < text.length && !/[,\]}]/.test(text[i])) i++;
    return parseScalar(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i !== text.length)
    throw new Error(`OpenCV YAML: trailing text after flow value: "${text.slice(i, i + 20)}"`);
  return v;
}

function bracketBalance(s) {
  let b = 0;
  for (const c of s) {
    if (c === '[' || c === '{') b++;
    else if (c === ']' || c === '}') b--;
  }
  return b;
}

/** Parses an OpenCV FileStorage YAML document into plain JS values. */
export function parseOpenCvYaml(source) {
  const raw = source.replace(/\r\n?/g, '\n').split('\n');
  if (!/^%YAML[: ]1\.\d/.test(raw[0] ?? '')) throw new Error('OpenCV YAML: missing %YAML header');
  const lines = [];
  for (const l of raw.slice(1)) {
    if (l.trim() === '' || l.trim() === '---' || l.trimStart().startsWith('#')) continue;
    lines.push({ indent: l.length - l.trimStart().length, text: l.trim() });
  }
  let pos = 0;

  // Reads a value that starts on the current line after `rest`; consumes continuation lines for flows.
  const inlineValue = (rest) => {
    let text = rest;
    while (bracketBalance(text) > 0) {
      if (pos >= lines.length) throw new Error('OpenCV YAML: unterminated flow collection');
      text += ' ' + lines[pos++].text;
    }
    return /^[[{]/.test(text) ? parseFlow(text) : parseScalar(text);
  };

  const valueAfterKey = (rest, parentIndent) => {
    let tag = null;
    let r = rest;
    const m = /^(!!\S+)\s*(.*)$/.exec(r);
    if (m) {
      tag = m[1];
      r = m[2];
    }
    let v;
    if (r === '') {
      if (pos >= lines.length || lines[pos].indent <= parentIndent) v = null;
      else v = block(lines[pos].indent);
    } else v = inlineValue(r);
    if (tag === null) return v;
    if (tag !== '!!opencv-matrix') throw new Error(`OpenCV YAML: unsupported tag ${tag}`);
    const { rows, cols, dt, data } = v ?? {};
    if (
      !Number.isInteger(rows) ||
      !Number.isInteger(cols) ||
      typeof dt !== 'string' ||
      !Array.isArray(data)
    ) {
      throw new Error('OpenCV YAML: malformed !!opencv-matrix');
    }
    if (data.length !== rows * cols)
      throw new Error(`OpenCV YAML: matrix has ${data.length} values, expected ${rows}x${cols}`);
    if (dt !== 'f' && dt !== 'd') throw new Error(`OpenCV YAML: unsupported matrix type ${dt}`);
    return { rows, cols, dt, data: data.map(Number) };
  };

  const block = (indent) => {
    const first = lines[pos];
    if (first.text === '-' || first.text.startsWith('- ')) {
      const out = [];
      while (
        pos < lines.length &&
        lines[pos].indent === indent &&
        (lines[pos].text === '-' || lines[pos].text.startsWith('- '))
      ) {
        const rest = lines[pos++].text.slice(1).trim();
        if (rest === '')
          out.push(
            pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : null,
          );
        else if (/^[[{]/.test(rest)) out.push(inlineValue(rest));
        else if (/^[^\s:[{]+:(\s|$)/.test(rest))
          throw new Error('OpenCV YAML: compact mappings in sequences are not supported');
        else out.push(parseScalar(rest));
      }
      return out;
    }
    const out = {};
    while (pos < lines.length && lines[pos].indent === indent) {
      const { text } = lines[pos];
      const m = /^([^\s:]+):(?:\s+(.*))?$/.exec(text);
      if (!m) throw new Error(`OpenCV YAML: cannot parse line "${text}"`);
      pos++;
      out[m[1]] = valueAfterKey((m[2] ?? '').trim(), indent);
    }
    if (pos < lines.length && lines[pos].indent > indent)
      throw new Error(`OpenCV YAML: unexpected indentation at "${lines[pos].text}"`);
    return out;
  };

  const doc = block(lines[0]?.indent ?? 0);
  if (pos !== lines.length) throw new Error(`OpenCV YAML: unparsed text from "${lines[pos].text}"`);
  return doc;
}

/** Reads the OpenCV ml::SVM file (EPS_SVR, RBF) and the range file. */
export function loadBrisqueSvr(modelText, rangeText) {
  const m = parseOpenCvYaml(modelText).opencv_ml_svm;
  if (!m) throw new Error('model file: no opencv_ml_svm node');
  if (m.svmType !== 'EPS_SVR')
    throw new Error(`model file: svmType ${m.svmType}, expected EPS_SVR`);
  if (m.kernel?.type !== 'RBF')
    throw new Error(`model file: kernel ${m.kernel?.type}, expected RBF`);
  const varCount = m.var_count;
  const sv = m.support_vectors;
  if (!Array.isArray(sv) || sv.length !== m.sv_total)
    throw new Error('model file: support_vectors count mismatch');
  for (const v of sv)
    if (!Array.isArray(v) || v.length !== varCount)
      throw new Error('model file: bad support vector');
  const df = m.decision_functions;
  if (!Array.isArray(df) || df.length !== 1)
    throw new Error('model file: expected exactly one decision function');
  const d = df[0];
  if (d.sv_count !== sv.length || !Array.isArray(d.alpha) || d.alpha.length !== sv.length) {
    throw new Error('model file: decision function does not use all support vectors');
  }
  if (d.index !== undefined)
    throw new Error('model file: indexed decision functions are not supported');
  const range = parseOpenCvYaml(rangeText).range;
  if (!range || range.rows !== 2 || range.cols !== varCount)
    throw new Error('range file: expected a 2 x var_count matrix');
  return {
    gamma: m.kernel.gamma,
    varCount,
    // cv::ml::SVM keeps support vectors as float32, alpha and rho as float64
    supportVectors: sv.map((v) => v.map((x) => Math.fround(x))),
    alpha: d.alpha.slice(),
    rho: d.rho,
    rangeMin: range.data.slice(0, varCount).map((x) => Math.fround(x)),
    rangeMax: range.data.slice(varCount).map((x) => Math.fround(x)),
  };
}

// ---------------------------------------------------------------------------------------------
// Gamma function (Lanczos, g = 7, n = 9; ~1e-15 relative for the arguments used here: 0.1..15)
// ---------------------------------------------------------------------------------------------
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
export function tgamma(x) {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * tgamma(1 - x));
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

/** The AGGD shape table exactly as OpenCV's loop enumerates it (double accumulation of 0.001). */
export function aggdTable() {
  const alphas = [];
  const ratios = [];
  const meanFactor = [];
  for (let gam = 0.2; gam < 10; gam += 0.001) {
    const g1 = tgamma(1 / gam);
    const g2 = tgamma(2 / gam);
    const g3 = tgamma(3 / gam);
    alphas.push(gam);
    ratios.push((g2 * g2) / (g1 * g3));
    // meanparam = (r - l) * (G(2/a) / G(1/a)) * sqrt(G(1/a)) / sqrt(G(3/a))
    meanFactor.push((g2 / g1) * (Math.sqrt(g1) / Math.sqrt(g3)));
  }
  return { alphas, ratios, meanFactor };
}

/** Keys' cubic convolution kernel w(t) with parameter a (OpenCV's interpolateCubic uses a = -0.75). */
export function cubicWeight(t, a = -0.75) {
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/** OpenCV's getGaussianKernel(7, 7/6, CV_32F): computed in double, normalised, cast to float. */
export function gaussianKernel7() {
  const sigma = 7 / 6;
  const scale2X = -0.5 / (sigma * sigma);
  const t = [];
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const x = i - 3;
    t.push(Math.exp(scale2X * x * x));
    sum += t[i];
  }
  return t.map((v) => Math.fround(v / sum));
}

// ---------------------------------------------------------------------------------------------
// ONNX graph builder
// ---------------------------------------------------------------------------------------------
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

function rawBytes(values, dataType) {
  const size = dataType === T.DOUBLE || dataType === T.INT64 ? 8 : 4;
  const buf = new ArrayBuffer(values.length * size);
  const dv = new DataView(buf);
  values.forEach((v, i) => {
    if (dataType === T.FLOAT) dv.setFloat32(i * size, v, true);
    else if (dataType === T.DOUBLE) dv.setFloat64(i * size, v, true);
    else if (dataType === T.INT64) dv.setBigInt64(i * size, BigInt(v), true);
    else throw new Error('unsupported tensor type');
  });
  return new Uint8Array(buf);
}

class GraphBuilder {
  constructor() {
    this.nodes = [];
    this.initializers = [];
    this.counter = 0;
    this.names = new Set();
  }
  fresh(prefix) {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
  constant(name, dims, dataType, values) {
    if (this.names.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.names.add(name);
    this.initializers.push(
      onnx.TensorProto.create({ name, dims, dataType, rawData: rawBytes(values, dataType) }),
    );
    return name;
  }
  f32(name, values, dims = [values.length]) {
    return this.constant(name, dims, T.FLOAT, values);
  }
  f64(name, values, dims = [values.length]) {
    return this.constant(name, dims, T.DOUBLE, values);
  }
  i64(name, values, dims = [values.length]) {
    return this.constant(name, dims, T.INT64, values);
  }
  /** Adds a node; attrs: { name: number | number[] | string } (numbers are ints unless listed in floats). */
  op(opType, inputs, attrs = {}, { outputs = 1, floats = [], name } = {}) {
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()))
        : outputs;
    const attribute = Object.entries(attrs).map(([k, v]) => {
      if (typeof v === 'string')
        return onnx.AttributeProto.create({
          name: k,
          type: A.STRING,
          s: new TextEncoder().encode(v),
        });
      if (v instanceof onnx.GraphProto)
        return onnx.AttributeProto.create({ name: k, type: A.GRAPH, g: v });
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name: k, type: A.INTS, ints: v });
      if (floats.includes(k)) return onnx.AttributeProto.create({ name: k, type: A.FLOAT, f: v });
      return onnx.AttributeProto.create({ name: k, type: A.INT, i: v });
    });
    this.nodes.push(
      onnx.NodeProto.create({
        name: name ?? this.fresh(`n_${opType}`),
        opType,
        input: inputs,
        output: outNames,
        attribute,
      }),
    );
    return outNames.length === 1 ? outNames[0] : outNames;
  }
  /**
   * A subgraph (an If branch): `build()` adds nodes with `op` as usual and returns the name of its
   * float32 result. Initializers stay in the main graph (outer scope, visible to the branch).
   */
  subgraph(name, build) {
    const outer = this.nodes;
    this.nodes = [];
    const result = build();
    const graph = onnx.GraphProto.create({
      name,
      node: this.nodes,
      output: [
        onnx.ValueInfoProto.create({
          name: result,
          type: onnx.TypeProto.create({
            tensorType: onnx.TypeProto.Tensor.create({ elemType: T.FLOAT }),
          }),
        }),
      ],
    });
    this.nodes = outer;
    return graph;
  }
}

function tensorType(elemType, dims) {
  return onnx.TypeProto.create({
    tensorType: onnx.TypeProto.Tensor.create({
      elemType,
      shape: onnx.TensorShapeProto.create({
        dim: dims.map((d) =>
          typeof d === 'number'
            ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
            : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
        ),
      }),
    }),
  });
}

/**
 * Builds the BRISQUE graph.
 * inputs:  frames  float32 [N, 3, H, W]  RGB, 0..255 (integer-valued, e.g. decoded 8-bit video)
 * outputs: brisque float32 [N]           score, 0 (best) .. 100 (worst), as OpenCV clamps it
 *          features float32 [N, 36]      raw (unscaled) BRISQUE features in OpenCV's order
 */
export function buildBrisqueModel(svr) {
  const g = new GraphBuilder();
  addBrisqueNodes(g, svr, { input: 'frames', brisque: 'brisque', features: 'features' });
  return encodeBrisqueModel(g);
}

/**
 * Adds the BRISQUE nodes and initializers to `g`, reading RGB frames [N, 3, H, W] from `names.input`
 * and writing the per-frame score to `names.brisque` and the raw features [N, 36] to
 * `names.features`. Returns the name of the grey image [N, 1, H, W] (OpenCV's 8-bit grey / 255) so
 * that other measures can reuse it. The call order of `g.op`/`g.f32` decides node names and byte
 * layout: brisque.onnx must stay byte-identical, so change nothing here without regenerating it.
 */
export function addBrisqueNodes(g, svr, names) {
  const table = aggdTable();
  const K = table.alphas.length;

  // shared constants
  g.f32('gray_coeffs', [9798, 19235, 3735], [1, 3, 1, 1]); // R, G, B (OpenCV 8-bit BGR2GRAY, Q15)
  g.f32('gray_round', [16384]);
  g.f32('zero_scalar', [0], []);
  if (!names.rounded) g.f32('u8_max', [255], []);
  g.f32('inv_32768', [1 / 32768]);
  g.f32('inv_255', [Math.fround(1 / 255)]);
  const kern = gaussianKernel7();
  // The 7-tap blur as a strided Conv with BLUR_BLOCK output channels per map (see blurPair):
  // [out = map * BLUR_BLOCK + j, in = map, 1, BLUR_BLOCK + 6] for rows, [.., BLUR_BLOCK + 6, 1] for
  // columns; output channel j holds the taps at offsets j..j+6, zero elsewhere and across maps.
  const taps = [];
  for (let map = 0; map < 2; map++)
    for (let j = 0; j < BLUR_BLOCK; j++)
      for (let from = 0; from < 2; from++)
        for (let t = 0; t < BLUR_BLOCK + 6; t++)
          taps.push(from === map && t >= j && t - j < 7 ? kern[t - j] : 0);
  g.f32('gauss_row', taps, [2 * BLUR_BLOCK, 2, 1, BLUR_BLOCK + 6]);
  g.f32('gauss_col', taps, [2 * BLUR_BLOCK, 2, BLUR_BLOCK + 6, 1]);
  // edge padding of 3 for the taps, plus BLUR_BLOCK more on the right (rows) / bottom (columns) so
  // the strided output covers every column / row; what lands beyond W / H is sliced off
  g.i64('pads_blur_rows', [0, 0, 3, 3, 0, 0, 3, 3 + BLUR_BLOCK]);
  g.i64('pads_blur_cols', [0, 0, 0, 0, 0, 0, BLUR_BLOCK, 0]);
  g.i64('blur_maps_block', [2, BLUR_BLOCK]);
  g.i64('blur_minus_one', [-1]);
  g.i64('s4', [4]);
  g.i64('s5', [5]);
  g.i64('pads_edge1', [0, 0, 1, 1, 0, 0, 1, 1]);
  // half-size INTER_CUBIC taps at distances 1.5, 0.5, 0.5, 1.5 (exact in float32)
  g.f32('cubic_far', [Math.fround(cubicWeight(1.5))]);
  g.f32('cubic_near', [Math.fround(cubicWeight(0.5))]);
  g.i64('zero_i', [0], []);
  g.f32('zero_f', [0]);
  g.f64('zero_d', [0]);
  g.f64('one_d', [1]);
  g.f64('half_d', [0.5]);
  g.i64('axes_chw', [1, 2, 3]);
  g.i64('axes_1', [1]);
  g.i64('axes_2', [2]);
  g.i64('axes_3', [3]);
  g.i64('idx_2', [2]);
  g.i64('idx_3', [3]);
  g.i64('div_halve', [1, 1, 2, 2]);
  g.i64('s0', [0]);
  g.i64('s1', [1]);
  g.i64('e_m1', [-1]);
  g.i64('e_max', [9223372036854775807n]);
  g.i64('step_2', [2]);
  g.i64('s2', [2]);
  g.i64('s3', [3]);
  g.i64('e_m2', [-2]);
  g.f64('aggd_ratio', table.ratios, [1, K]);
  g.f64('aggd_alpha', table.alphas);
  g.f64('aggd_meanfactor', table.meanFactor);

  // gray = floor((9798 R + 19235 G + 3735 B + 2^14) / 2^15) / 255   (exact in float32 for 8-bit input)
  // an 8-bit Mat holds saturate_cast<uchar>(x): round half to even, clamp to 0..255 (no-op on 8-bit input)
  // (names.rounded: the input already went through that Round(Clip()), which is idempotent)
  const frames8 = names.rounded
    ? names.input
    : g.op('Round', [g.op('Clip', [names.input, 'zero_scalar', 'u8_max'])]);
  // the weighted channel sum as Mul + ReduceSum: every product and partial sum is an integer
  // < 2^24, so it is exact in any order. (A 1x1 Conv would run in ORT's blocked NCHWc layout, with
  // the one output channel padded to 8 or 16 and layout reorders: several times slower.)
  const weighted = g.op('ReduceSum', [g.op('Mul', [frames8, 'gray_coeffs']), 'axes_1'], {
    keepdims: 1,
  });
  const gray8 = g.op('Floor', [g.op('Mul', [g.op('Add', [weighted, 'gray_round']), 'inv_32768'])]);
  const gray = g.op('Mul', [gray8, 'inv_255']);

  // second scale: cv::resize(INTER_CUBIC) to (floor(W/2), floor(H/2)).
  // With W and H even the scale is exactly 2 and every output sample (half-pixel centres) reads
  // input columns 2x-1, 2x, 2x+1, 2x+2 (replicated at the border) with the weights
  // w(1.5), w(0.5), w(0.5), w(1.5): a separable stride-2 filter, rows first, then columns, summed
  // left to right as OpenCV's cubic resize does. Odd W or H change the scale (W / floor(W/2)), so
  // those frames take ONNX Resize (cubic, a = -0.75, half_pixel), which handles any size.
  const grayShape = g.op('Shape', [gray]);
  const halfShape = g.op('Div', [grayShape, 'div_halve']);
  const bothEven = g.op('Equal', [
    g.op('ReduceSum', [g.op('Mod', [grayShape, 'div_halve'])], { keepdims: 0 }),
    'zero_i',
  ]);
  // x is the input padded by one replicated sample on each side (x[i] = input[i - 1]); output k
  // takes x[2k], x[2k+1], x[2k+2], x[2k+3]
  const halfPass = (x, axes) => {
    const tap = (start, end, w) => g.op('Mul', [g.op('Slice', [x, start, end, axes, 'step_2']), w]);
    return g.op('Add', [
      g.op('Add', [
        g.op('Add', [tap('s0', 'e_m2', 'cubic_far'), tap('s1', 'e_m1', 'cubic_near')]),
        tap('s2', 'e_max', 'cubic_near'),
      ]),
      tap('s3', 'e_max', 'cubic_far'),
    ]);
  };
  const halfEven = g.subgraph('half_size_even', () => {
    const padded = g.op('Pad', [gray, 'pads_edge1'], { mode: 'edge' });
    return halfPass(halfPass(padded, 'axes_3'), 'axes_2');
  });
  const halfAny = g.subgraph('half_size_any', () =>
    g.op(
      'Resize',
      [gray, '', '', halfShape],
      {
        mode: 'cubic',
        cubic_coeff_a: -0.75,
        coordinate_transformation_mode: 'half_pixel',
        exclude_outside: 0,
      },
      { floats: ['cubic_coeff_a'] },
    ),
  );
  const gray2 = g.op('If', [bothEven], { then_branch: halfEven, else_branch: halfAny });

  // GaussianBlur of I and of I^2, rows then columns, as Convs over the two maps stacked as
  // channels. The summation order decides the numbers: in flat areas it decides whether I - mu is
  // exactly 0, and that moves BRISQUE by up to ~1.5 on synthetic frames (testsrc2, mandelbrot); a
  // grouped or elementwise blur was faster but changed scores that much. So every output sample is
  // the same chain of seven multiply-adds as a plain 7-tap Conv's, in ORT's blocked (NCHWc) kernel;
  // what changes is only how many samples one kernel call yields. A one-tap-wide Conv fills one
  // output channel per map and ORT pads its output to 16 channels (AVX-512), so 7/8 of the work
  // was padding. Here output channel j of a map holds the blur at column (row) BLUR_BLOCK * k + j:
  // a Conv with stride BLUR_BLOCK, BLUR_BLOCK + 6 taps of which the seven at j..j+6 are the
  // Gaussian's and the rest exact zeros (0 * x adds +0, leaving the running sum as it was). The 16
  // output channels are then put back in place (Reshape, Transpose, Reshape, Slice). Outputs are
  // bit-identical to the one-output-channel Conv pair; the README's "Performance" has the numbers.
  const unblock = (conv, perm, like, axis) => {
    // [N, 2*B, a, b] -> [N, 2, B, a, b] -> permuted -> [N, 2, H', W'] -> sliced to like's size
    const s = g.op('Shape', [conv]);
    const split = g.op(
      'Concat',
      [g.op('Slice', [s, 's0', 's1']), 'blur_maps_block', g.op('Slice', [s, 's2', 's4'])],
      { axis: 0 },
    );
    const moved = g.op('Transpose', [g.op('Reshape', [conv, split])], { perm });
    const ms = g.op('Shape', [moved]);
    const merged =
      axis === 3
        ? g.op('Concat', [g.op('Slice', [ms, 's0', 's3']), 'blur_minus_one'], { axis: 0 })
        : g.op(
            'Concat',
            [g.op('Slice', [ms, 's0', 's2']), 'blur_minus_one', g.op('Slice', [ms, 's4', 's5'])],
            { axis: 0 },
          );
    const end = g.op('Slice', [
      g.op('Shape', [like]),
      axis === 3 ? 's3' : 's2',
      axis === 3 ? 's4' : 's3',
    ]);
    return g.op('Slice', [
      g.op('Reshape', [moved, merged]),
      's0',
      end,
      axis === 3 ? 'axes_3' : 'axes_2',
    ]);
  };
  const blurPair = (x, xx) => {
    const padded = g.op('Pad', [g.op('Concat', [x, xx], { axis: 1 }), 'pads_blur_rows'], {
      mode: 'edge',
    });
    const rowsBlocked = g.op('Conv', [padded, 'gauss_row'], {
      kernel_shape: [1, BLUR_BLOCK + 6],
      strides: [1, BLUR_BLOCK],
    });
    const rows = unblock(rowsBlocked, [0, 1, 3, 4, 2], x, 3); // [N, 2, H + 6, W]
    const colsBlocked = g.op(
      'Conv',
      [g.op('Pad', [rows, 'pads_blur_cols'], { mode: 'edge' }), 'gauss_col'],
      { kernel_shape: [BLUR_BLOCK + 6, 1], strides: [BLUR_BLOCK, 1] },
    );
    const blurred = unblock(colsBlocked, [0, 1, 3, 2, 4], x, 2); // [N, 2, H, W]
    return g.op('Split', [blurred], { axis: 1 }, { outputs: 2 });
  };

  const sumD = (xFloat) =>
    g.op('ReduceSum', [g.op('Cast', [xFloat], { to: T.DOUBLE }), 'axes_chw'], { keepdims: 0 });

  // AGGD fit of a float32 map x [N,1,h,w] against total pixel count `total` (float64 scalar).
  const aggd = (x, total) => {
    const isPos = g.op('Greater', [x, 'zero_f']);
    const isNeg = g.op('Less', [x, 'zero_f']);
    const sq = g.op('Mul', [x, x]); // float32, like cv::multiply(posmat, posmat)
    const posSq = sumD(g.op('Where', [isPos, sq, 'zero_f']));
    const negSq = sumD(g.op('Where', [isNeg, sq, 'zero_f']));
    const absSum = sumD(g.op('Abs', [x]));
    // counts summed as int32 (exact in any order, half the bytes of float64), then widened
    const countD = (b) =>
      g.op(
        'Cast',
        [g.op('ReduceSum', [g.op('Cast', [b], { to: T.FLOAT }), 'axes_chw'], { keepdims: 0 })],
        { to: T.DOUBLE },
      );
    const posCount = countD(isPos);
    const negCount = countD(isNeg);
    const l = g.op('Sqrt', [g.op('Div', [negSq, negCount])]);
    const r = g.op('Sqrt', [g.op('Div', [posSq, posCount])]);
    const gh = g.op('Div', [l, r]);
    const meanAbs = g.op('Div', [absSum, total]);
    const rhat = g.op('Div', [
      g.op('Mul', [meanAbs, meanAbs]),
      g.op('Div', [g.op('Add', [negSq, posSq]), total]),
    ]);
    const gh2 = g.op('Mul', [gh, gh]);
    const gh3 = g.op('Mul', [gh2, gh]);
    const num = g.op('Mul', [
      g.op('Mul', [rhat, g.op('Add', [gh3, 'one_d'])]),
      g.op('Add', [gh, 'one_d']),
    ]);
    const den1 = g.op('Add', [gh2, 'one_d']);
    const rhatNorm = g.op('Div', [num, g.op('Mul', [den1, den1])]);
    const diffRaw = g.op('Abs', [
      g.op('Sub', ['aggd_ratio', g.op('Unsqueeze', [rhatNorm, 'axes_1'])]),
    ]);
    // OpenCV's loop stops at the first increase of |r - r_hat|, keeps going on ties, and never stops
    // on NaN (no positive or no negative coefficient): last-index ArgMin with NaN -> 0 is the same.
    const diff = g.op('Where', [g.op('IsNaN', [diffRaw]), 'zero_d', diffRaw]);
    const idx = g.op('ArgMin', [diff], { axis: 1, keepdims: 0, select_last_index: 1 });
    return { idx, alpha: g.op('Gather', ['aggd_alpha', idx], { axis: 0 }), l, r };
  };

  const features = [];
  for (const img of [gray, gray2]) {
    const [mu, ex2] = blurPair(img, g.op('Mul', [img, img]));
    const mu2 = g.op('Mul', [mu, mu]);
    const variance = g.op('Sub', [ex2, mu2]);
    const sigma = g.op('Add', [g.op('Sqrt', [g.op('Relu', [variance])]), 'inv_255']);
    const centred = g.op('Sub', [img, mu]);
    const mscnRaw = g.op('Div', [centred, sigma]);
    // OpenCV: sqrt(negative) = NaN, and its AGGD fit counts a NaN coefficient as zero
    const mscn = g.op('Where', [g.op('Less', [variance, 'zero_f']), 'zero_f', mscnRaw]);

    const shape = g.op('Shape', [mscn]);
    const hw = g.op('Mul', [
      g.op('Gather', [shape, 'idx_2'], { axis: 0 }),
      g.op('Gather', [shape, 'idx_3'], { axis: 0 }),
    ]);
    const total = g.op('Cast', [g.op('Squeeze', [hw, 's0'])], { to: T.DOUBLE });

    const m = aggd(mscn, total);
    features.push(m.alpha);
    features.push(
      g.op('Mul', [g.op('Add', [g.op('Mul', [m.l, m.l]), g.op('Mul', [m.r, m.r])]), 'half_d']),
    );

    // pairwise products; OpenCV multiplies by a zero-filled shifted copy, i.e. products outside the
    // overlap are exactly 0: they only count in the total (h*w), which `total` already is.
    const slice = (x, starts, ends, axes) => g.op('Slice', [x, starts, ends, axes]);
    const sHa = slice(mscn, 's0', 'e_m1', 'axes_3');
    const sHb = slice(mscn, 's1', 'e_max', 'axes_3');
    const sVa = slice(mscn, 's0', 'e_m1', 'axes_2');
    const sVb = slice(mscn, 's1', 'e_max', 'axes_2');
    const products = [
      // (0,1): I(i,j) * I(i,j+1)
      g.op('Mul', [sHa, sHb]),
      // (1,0): I(i,j) * I(i+1,j)
      g.op('Mul', [sVa, sVb]),
      // (1,1): I(i,j) * I(i+1,j+1)
      g.op('Mul', [slice(sVa, 's0', 'e_m1', 'axes_3'), slice(sVb, 's1', 'e_max', 'axes_3')]),
      // (-1,1): I(i,j) * I(i-1,j+1)
      g.op('Mul', [slice(sVb, 's0', 'e_m1', 'axes_3'), slice(sVa, 's1', 'e_max', 'axes_3')]),
    ];
    for (const p of products) {
      const f = aggd(p, total);
      const meanFactor = g.op('Gather', ['aggd_meanfactor', f.idx], { axis: 0 });
      features.push(f.alpha);
      features.push(g.op('Mul', [g.op('Sub', [f.r, f.l]), meanFactor]));
      features.push(g.op('Mul', [f.l, f.l]));
      features.push(g.op('Mul', [f.r, f.r]));
    }
  }
  if (features.length !== svr.varCount)
    throw new Error(`graph has ${features.length} features, SVR wants ${svr.varCount}`);

  const featD = g.op(
    'Concat',
    features.map((f) => g.op('Unsqueeze', [f, 'axes_1'])),
    { axis: 1 },
  );
  g.op('Cast', [featD], { to: T.FLOAT }, { outputs: [names.features] });

  // scaling to [-1, 1] (float32, as quality_utils::scale<float>):  -1 + (2 * (x - min)) / (max - min)
  g.f32('range_min', svr.rangeMin, [1, svr.varCount]);
  g.f32(
    'range_den',
    svr.rangeMin.map((lo, i) => Math.fround(svr.rangeMax[i] - lo)),
    [1, svr.varCount],
  );
  g.f32('two_f', [2]);
  g.f32('minus_one_f', [-1]);
  const scaled = g.op('Add', [
    'minus_one_f',
    g.op('Div', [g.op('Mul', ['two_f', g.op('Sub', [names.features, 'range_min'])]), 'range_den']),
  ]);

  // RBF epsilon-SVR: f(x) = -rho + sum_k alpha_k exp(-gamma |sv_k - x|^2)
  const nSv = svr.supportVectors.length;
  g.f32('svr_sv', svr.supportVectors.flat(), [1, nSv, svr.varCount]);
  g.f64('svr_neg_gamma', [-svr.gamma]);
  g.f64('svr_alpha', svr.alpha, [nSv, 1]);
  g.f64('svr_neg_rho', [-svr.rho]);

  g.f32('score_max', [100], []);
  const d = g.op('Cast', [g.op('Sub', ['svr_sv', g.op('Unsqueeze', [scaled, 'axes_1'])])], {
    to: T.DOUBLE,
  });
  const dist2 = g.op('ReduceSum', [g.op('Mul', [d, d]), 'axes_2'], { keepdims: 0 });
  const kernelRaw = g.op('Exp', [
    g.op('Cast', [g.op('Mul', [dist2, 'svr_neg_gamma'])], { to: T.FLOAT }),
  ]);
  // cv::exp clamps its argument with SIMD max/min, which turn NaN into the lower bound: a NaN
  // feature gives kernel values 0, decision -rho (~149.6), clamped to 100 (e.g. a uniform frame)
  const kernel = g.op('Where', [g.op('IsNaN', [kernelRaw]), 'zero_f', kernelRaw]);
  const decision = g.op('Add', [
    g.op('MatMul', [g.op('Cast', [kernel], { to: T.DOUBLE }), 'svr_alpha']),
    'svr_neg_rho',
  ]);
  const raw = g.op('Cast', [g.op('Squeeze', [decision, 'axes_1'])], { to: T.FLOAT });
  g.op('Clip', [raw, 'zero_scalar', 'score_max'], {}, { outputs: [names.brisque] });
  return { gray, gray8 };
}

function encodeBrisqueModel(g) {
  const graph = onnx.GraphProto.create({
    name: 'brisque_live',
    node: g.nodes,
    initializer: g.initializers,
    input: [
      onnx.ValueInfoProto.create({
        name: 'frames',
        type: tensorType(T.FLOAT, ['N', 3, 'H', 'W']),
        docString: 'RGB frames, 0..255',
      }),
    ],
    output: [
      onnx.ValueInfoProto.create({
        name: 'brisque',
        type: tensorType(T.FLOAT, ['N']),
        docString: 'BRISQUE score, 0 best .. 100 worst',
      }),
      onnx.ValueInfoProto.create({
        name: 'features',
        type: tensorType(T.FLOAT, ['N', 36]),
        docString: 'raw BRISQUE features',
      }),
    ],
    docString:
      'BRISQUE (Mittal, Moorthy, Bovik 2012) following OpenCV cv::quality::QualityBRISQUE, with the LIVE-trained SVR ' +
      'from OpenCV contrib (Apache-2.0).',
  });
  return encodeModel(graph, 'Built-in no-reference quality pack: BRISQUE per frame.', {
    svr_source: 'OpenCV contrib quality module: brisque_model_live.yml, brisque_range_live.yml',
  });
}

/** A pack model's bytes: the graph with the pack's producer, opset and licence (plus `metadata`). */
function encodeModel(graph, docString, metadata) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    producerName: 'vqa2-studio/scripts/gen-builtin-pack.mjs',
    producerVersion: PACK_VERSION,
    domain: 'vqa2.builtin',
    modelVersion: 1,
    docString,
    graph,
    metadataProps: Object.entries({ license: 'Apache-2.0', ...metadata }).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---------------------------------------------------------------------------------------------
// segment.onnx: BRISQUE + frame-difference and detail measures + the documented level head
// ---------------------------------------------------------------------------------------------

/** Order of the `measures` output (documented in the manifest and README). */
export const SEGMENT_MEASURES = [
  'brisque_mean',
  'motion',
  'freeze',
  'flicker',
  'luma',
  'contrast',
  'blur',
  'noise',
  'clip_dark',
  'clip_bright',
  'compression',
];

/**
 * temporal.ts: a pair of motion frames is a repeat when its mean absolute difference (0..255) is at
 * most max(FREEZE_FLOOR_MAD, FREEZE_REL * the mean difference of the segment's pairs that move):
 * identical or nearly so relative to the segment's own change, so a calm shot (small but steady
 * change) is not frozen, and a freeze does not lower its own bar. The moving pairs are those above
 * the same bar taken from the mean of all pairs.
 */
export const FREEZE_FLOOR_MAD = 0.005;
export const FREEZE_REL = 0.05;
/** Clipping: OpenCV 8-bit grey at most CLIP_DARK_MAX (crushed black) or at least CLIP_BRIGHT_MIN (blown white). */
export const CLIP_DARK_MAX = 4;
export const CLIP_BRIGHT_MIN = 251;
/** Black borders are cropped only when at least this many rows/columns of picture remain. */
export const MIN_ACTIVE = 16;
/** Key frames whose grey std is below this many levels have no detail (black, fades) and are skipped. */
export const MIN_DETAIL_STD = 1;
/** Crété-Roffet et al. 2007: the re-blur is a 9-tap averaging filter along each axis. */
export const CRETE_TAPS = 9;
/** Noise: mean |HH| per NOISE_BLOCK x NOISE_BLOCK-pixel block; the flattest 10 % of blocks decide. */
export const NOISE_BLOCK = 16;
export const NOISE_BLOCK_PERCENTILE = 0.1;
/**
 * Compression: Wang, Sheikh & Bovik 2002 ("No-reference perceptual quality assessment of JPEG
 * compressed images", ICIP 2002), their published model on an 8-pixel block grid:
 *   S = alpha + beta * B^(g1) * A^(g2) * Z^(g3), a predicted quality on their 1 (worst) .. 10 (best) scale,
 * with B the mean absolute difference across block boundaries, A the in-block activity, Z the
 * zero-crossing rate of the neighbour differences (averaged over the two axes). Constants as the
 * authors' reference implementation (UT Austin, 2002) states them. B, A, Z are floored at
 * WSB_FLOOR so that a frame without boundary steps (or without any variation) stays finite.
 */
export const WSB_BLOCK = 8;
export const WSB = {
  alpha: -245.8909,
  beta: 261.9373,
  g1: -239.8886 / 1e4,
  g2: 160.1664 / 1e4,
  g3: 64.2859 / 1e4,
};
export const WSB_FLOOR = 1e-6;
/** The compression measure is the predicted impairment 10 - S on that scale, 0 at best. */
export const WSB_TOP = 10;

/**
 * The head: the single source of its coefficients (written to manifest.json `scoring.head` and
 * baked into segment.onnx). q = clamp(S * prod_k (1 - P_k), 0, 1) with
 *   S   = 1 - brisque.weight * clamp(brisque_mean / 100, 0, 1)
 *   P_k = weight_k * (1 - exp(-max(0, direction_k * (m_k - threshold_k) / scale_k)))
 * then level logits l_i = -(q - c_i)^2 / (2 tau^2).
 */
/**
 * Head penalties that judge the whole video rather than each segment (the studio's aggregation
 * applies them; the graph's per-segment q keeps its local factor): a freeze costs the same wherever
 * it falls on the segment grid, and it lowers the whole video, as stalling models apply it.
 */
export const VIDEO_POOLED = ['freeze'];

export const HEAD = {
  tau: 0.125,
  levelCentres: [1, 0.75, 0.5, 0.25, 0],
  brisque: {
    weight: 1,
    description:
      "BRISQUE's LIVE SVR predicts DMOS on LIVE's 0..100 scale (0 = as good as the pristine original): S = 1 - DMOS/100",
  },
  penalties: [
    {
      name: 'blur',
      measure: 'blur',
      direction: 1,
      threshold: 0.45,
      scale: 0.15,
      weight: 0.9,
      description:
        'loss of fine detail: Crete-Roffet blur above what sharp natural photos show at <= 640 px (0.17..0.41)',
    },
    {
      name: 'noise',
      measure: 'noise',
      direction: 1,
      threshold: 2,
      scale: 4,
      weight: 0.9,
      description: 'visible noise: std estimate in grey levels above 2 (about 1.5 % of mid-grey)',
    },
    {
      name: 'freeze',
      measure: 'freeze',
      direction: 1,
      threshold: 0.05,
      scale: 0.5,
      weight: 0.9,
      description: 'share of repeated frames above an occasional duplicate (5 %)',
    },
    {
      name: 'clip_dark',
      measure: 'clip_dark',
      direction: 1,
      threshold: 0.05,
      scale: 0.2,
      weight: 0.9,
      description: 'crushed shadows: share of pixels at black (grey <= 4) above 5 %',
    },
    {
      name: 'clip_bright',
      measure: 'clip_bright',
      direction: 1,
      threshold: 0.05,
      scale: 0.2,
      weight: 0.9,
      description: 'blown highlights: share of pixels at white (grey >= 251) above 5 %',
    },
    {
      name: 'compression',
      measure: 'compression',
      direction: 1,
      threshold: 1.8,
      scale: 1.8,
      weight: 0.9,
      description:
        'coding artefacts: Wang-Sheikh-Bovik predicted quality (1..10) below the top fifth of its scale (8.2), one fifth (1.8) per e-fold',
    },
    {
      name: 'flicker',
      measure: 'flicker',
      direction: 1,
      threshold: 0.01,
      scale: 0.03,
      weight: 0.6,
      description: 'frame-to-frame change of mean brightness above what motion causes',
    },
  ],
};

/**
 * Builds segment.onnx.
 * inputs:  key_frames    float32 [N, 3, H, W]  RGB 0..255, the key frames of one segment
 *          motion_frames float32 [M, h, w]     grey 0..255, every decoded frame of the segment
 *                                              (the caller prepends the previous segment's last)
 * outputs: level_logits  float32 [5]   high, good, fair, poor, low
 *          quality       float32 [1]   q in [0, 1]
 *          brisque       float32 [N]   BRISQUE per key frame (as brisque.onnx)
 *          measures      float32 [8]   SEGMENT_MEASURES
 */
export function buildSegmentModel(svr, head = HEAD) {
  const g = new GraphBuilder();
  // Black borders (letterbox/pillarbox): rows and columns where every pixel of every key frame has
  // all channels <= CLIP_DARK_MAX are framing, not picture; every key-frame measure (BRISQUE, blur,
  // noise, clipping) reads the active area between them. Nothing is cropped when the active area
  // would be smaller than MIN_ACTIVE pixels along an axis (or when every row is black).
  g.f32('crop_black', [CLIP_DARK_MAX]);
  g.i64('crop_min', [MIN_ACTIVE]);
  g.i64('crop_axes_hw', [1, 2]);
  g.i64('crop_one', [1]);
  g.i64('crop_zero_i', [0]);
  // The key frames arrive as the decoder gives them: 8-bit RGB, interleaved (NHWC). The borders
  // are found and cut on those bytes; only the active area becomes the planar float32 maps the
  // rest works on (8-bit samples need no rounding or clamping).
  const kmax = g.op(
    'Cast',
    [g.op('ReduceMax', ['key_frames'], { axes: [0, 3], keepdims: 0 })], // [H, W]
    { to: T.FLOAT },
  );
  const cropRange = (axisToReduce) => {
    const line = g.op(
      'Cast',
      [
        g.op('Greater', [
          g.op('ReduceMax', [kmax], { axes: [axisToReduce], keepdims: 0 }),
          'crop_black',
        ]),
      ],
      { to: T.FLOAT },
    );
    const first = g.op('ArgMax', [line], { axis: 0, keepdims: 1, select_last_index: 0 });
    const last = g.op('Add', [
      g.op('ArgMax', [line], { axis: 0, keepdims: 1, select_last_index: 1 }),
      'crop_one',
    ]);
    const size = g.op('Slice', [g.op('Shape', [line]), 'crop_zero_i', 'crop_one']);
    const tooSmall = g.op('Less', [g.op('Sub', [last, first]), 'crop_min']);
    return [g.op('Where', [tooSmall, 'crop_zero_i', first]), g.op('Where', [tooSmall, size, last])];
  };
  const [r0, r1] = cropRange(1); // rows: reduce over W
  const [c0, c1] = cropRange(0); // columns: reduce over H
  const activeNhwc = g.op('Slice', [
    'key_frames',
    g.op('Concat', [r0, c0], { axis: 0 }),
    g.op('Concat', [r1, c1], { axis: 0 }),
    'crop_axes_hw',
  ]);
  g.op(
    'Cast',
    [g.op('Transpose', [activeNhwc], { perm: [0, 3, 1, 2] })],
    { to: T.FLOAT },
    { outputs: ['key_frames_active'] },
  );
  const { gray8 } = addBrisqueNodes(g, svr, {
    input: 'key_frames_active',
    rounded: true,
    brisque: 'brisque',
    features: 'brisque_features',
  });

  g.i64('seg_axes_0', [0]);
  g.i64('seg_axes_123', [1, 2, 3]);
  g.i64('seg_shape_flat', [0, -1]);
  g.i64('seg_one_i', [1]);
  g.i64('seg_two_i', [2]);
  g.f64('seg_one_d', [1]);
  g.f64('seg_minus_one_d', [-1]);
  g.f64('seg_inv_255_d', [1 / 255]);
  g.f64('seg_freeze_floor', [FREEZE_FLOOR_MAD]);
  g.f64('seg_freeze_rel', [FREEZE_REL]);
  g.f32('seg_taps_f', [CRETE_TAPS]);
  g.f64('seg_hundred', [100], []);
  g.f64('seg_zero_d', [0]);

  const toD = (x) => g.op('Cast', [x], { to: T.DOUBLE });
  const meanN = (x) => g.op('ReduceMean', [x], { axes: [0], keepdims: 1 }); // [N] -> [1] (opset 17: axes attribute)

  // ---- key-frame detail measures, on OpenCV's 8-bit grey (integer-valued float32: exact sums) ----
  // Blur (Crété-Roffet, Dolmiere, Ladret, Nicolas 2007): re-blur with a 9-tap mean along an axis; the
  // share of neighbour variation that survives the re-blur is what was already blurred.
  //   b_axis = (sum D_F - sum max(0, D_F - D_B)) / sum D_F, blur = max over the two axes.
  // Computed with 9 * D_F and the 9-tap SUM (exact in float32); a frame with no variation along both
  // axes counts as fully blurred (1).
  const sliceAx = (x, start, end, axis) =>
    g.op('Slice', [x, `seg_s_${start}`, `seg_e_${end}`, `seg_ax_${axis}`]);
  g.i64('seg_s_0', [0]);
  g.i64('seg_s_1', [1]);
  g.i64('seg_s_2', [2]);
  g.i64('seg_e_m1', [-1]);
  g.i64('seg_e_max', [9223372036854775807n]);
  g.i64('seg_ax_2', [2]);
  g.i64('seg_ax_3', [3]);
  const half = (CRETE_TAPS - 1) / 2;
  // The 9-tap sum as AveragePool * 9, rounded: the pool's sum of 9 integers <= 255 is exact, and
  // dividing and multiplying by 9 moves it by < 1e-3, so Round gives the exact integer sum back
  // (a one-channel Conv would run in ORT's blocked NCHWc layout, with reorders, several times slower).
  const blurAxis = (axis) => {
    const pads = axis === 2 ? [0, 0, half, 0, 0, 0, half, 0] : [0, 0, 0, half, 0, 0, 0, half];
    const kshape = axis === 2 ? [CRETE_TAPS, 1] : [1, CRETE_TAPS];
    const padName = g.i64(`seg_crete_pads_${axis}`, pads);
    const pooled = g.op('AveragePool', [g.op('Pad', [gray8, padName], { mode: 'edge' })], {
      kernel_shape: kshape,
    });
    const box = g.op('Round', [g.op('Mul', [pooled, 'seg_taps_f'])]);
    const diff = (x) =>
      g.op('Abs', [g.op('Sub', [sliceAx(x, 1, 'max', axis), sliceAx(x, 0, 'm1', axis)])]);
    const dF9 = g.op('Mul', [diff(gray8), 'seg_taps_f']);
    const dB9 = diff(box);
    const v = g.op('Relu', [g.op('Sub', [dF9, dB9])]);
    const sF = g.op('ReduceSum', [toD(dF9), 'seg_axes_123'], { keepdims: 0 });
    const sV = g.op('ReduceSum', [toD(v), 'seg_axes_123'], { keepdims: 0 });
    const ratio = g.op('Div', [g.op('Sub', [sF, sV]), sF]);
    return g.op('Where', [g.op('Greater', [sF, 'seg_zero_d']), ratio, 'seg_minus_one_d']);
  };
  const blurRaw = g.op('Max', [blurAxis(2), blurAxis(3)]);
  const blurFrame = g.op('Where', [g.op('Less', [blurRaw, 'seg_zero_d']), 'seg_one_d', blurRaw]);

  // Noise: the finest diagonal Haar sub-band HH = (x00 - x01 - x10 + x11) / 2 over non-overlapping
  // 2x2 blocks (odd last row/column dropped), whose coefficients are ~N(0, sigma^2) for white noise of
  // std sigma (Donoho & Johnstone 1994); mean |HH| per 16x16-pixel block (8x8 coefficients, partial
  // blocks dropped); the NOISE_BLOCK_PERCENTILE-th smallest block mean (index ceil(B p) - 1 of the
  // sorted block means, at least the first) times sqrt(pi/2) (E|X| = sigma sqrt(2/pi)). Taking the
  // flattest blocks (block-based estimation, as surveyed by Olsen 1993) keeps edges and texture out
  // of the estimate: a median over all coefficients reads dense fine texture as noise.
  // HH from four stride-2 slices cropped to even size (integers: exact, like the 2x2 stride-2 Conv
  // it replaces, which ORT ran in its blocked NCHWc layout)
  g.i64('seg_axes_23', [2, 3]);
  g.i64('seg_steps_22', [2, 2]);
  g.i64('seg_hw_2', [2, 2]);
  g.f32('seg_half_f', [0.5]);
  const evenEnds = g.op('Mul', [
    g.op('Div', [g.op('Slice', [g.op('Shape', [gray8]), 'seg_s_2', 'seg_e_max']), 'seg_hw_2']),
    'seg_hw_2',
  ]);
  const phase = (dy, dx) =>
    g.op('Slice', [
      gray8,
      g.i64(`seg_haar_start_${dy}${dx}`, [dy, dx]),
      evenEnds,
      'seg_axes_23',
      'seg_steps_22',
    ]);
  const hh = g.op('Abs', [
    g.op('Mul', [
      g.op('Sub', [
        g.op('Sub', [phase(0, 0), phase(0, 1)]),
        g.op('Sub', [phase(1, 0), phase(1, 1)]),
      ]),
      'seg_half_f',
    ]),
  ]);
  const blocks = g.op('AveragePool', [hh], {
    kernel_shape: [NOISE_BLOCK / 2, NOISE_BLOCK / 2],
    strides: [NOISE_BLOCK / 2, NOISE_BLOCK / 2],
  });
  const flat = g.op('Reshape', [blocks, 'seg_shape_flat']);
  const count = g.op('Slice', [g.op('Shape', [flat]), 'seg_one_i', 'seg_two_i']); // [1]: B
  // k = ceil(B * p) = floor((B * P + 99) / 100) for p = P / 100, at least 1
  g.i64('seg_noise_pct', [Math.round(NOISE_BLOCK_PERCENTILE * 100)]);
  g.i64('seg_99_i', [99]);
  g.i64('seg_100_i', [100]);
  const k = g.op('Max', [
    g.op('Div', [g.op('Add', [g.op('Mul', [count, 'seg_noise_pct']), 'seg_99_i']), 'seg_100_i']),
    'seg_one_i',
  ]);
  const smallest = g.op('TopK', [flat, k], { axis: 1, largest: 0, sorted: 1 }, { outputs: 2 })[0];
  const kth = g.op('Squeeze', [
    g.op('Slice', [smallest, 'seg_e_m1', 'seg_e_max', 'seg_one_i']),
    'seg_one_i',
  ]);
  g.f64('seg_sqrt_half_pi', [Math.sqrt(Math.PI / 2)]);
  const noiseFrame = g.op('Mul', [toD(kth), 'seg_sqrt_half_pi']);

  // Compression (Wang, Sheikh & Bovik 2002), per key frame, on the grid of the ORIGINAL frame (the
  // coding grid): a difference d(x) = p(x + 1) - p(x) of the active area crosses a block boundary
  // when (x + 1 + crop start) is a multiple of WSB_BLOCK.
  //   B = mean |d| on boundaries, A = (WSB_BLOCK * mean |d| - B) / (WSB_BLOCK - 1),
  //   Z = share of neighbouring differences with opposite signs; each the mean of the two axes.
  // |d| sums exceed 2^24: summed in float64.
  g.i64('seg_wsb_block', [WSB_BLOCK]);
  g.i64('seg_zero_i', [0], []);
  g.i64('seg_one_scalar', [1], []);
  g.f64('seg_wsb_blockf', [WSB_BLOCK]);
  g.f64('seg_wsb_blockm1', [WSB_BLOCK - 1]);
  g.f64('seg_wsb_floor', [WSB_FLOOR]);
  g.f64('seg_half_d', [0.5]);
  const grey8Shape = g.op('Shape', [gray8]);
  g.i64('seg_axes_last', [3]);
  g.i64('seg_s_3', [3]);
  g.i64('seg_e_4', [4]);
  // Mean of a [N, 1, R, L] map of small integers per frame: row sums in float32 (exact: at most
  // L * 255 < 2^24 for the key frames' L <= 640), then float64 over the rows; float64 casts of the
  // whole map would cost more than the measure itself.
  const rowLen = (x) =>
    g.op('Cast', [g.op('Squeeze', [g.op('Slice', [g.op('Shape', [x]), 'seg_s_3', 'seg_e_4'])])], {
      to: T.DOUBLE,
    });
  const frameMean = (x) =>
    g.op('Div', [
      g.op('ReduceMean', [toD(g.op('ReduceSum', [x, 'seg_axes_last'], { keepdims: 1 }))], {
        axes: [1, 2, 3],
        keepdims: 0,
      }),
      rowLen(x),
    ]);
  const wsbAxis = (axis, cropStart) => {
    // differences along `axis` (2: rows, vertical; 3: columns, horizontal)
    const d = g.op('Sub', [sliceAx(gray8, 1, 'max', axis), sliceAx(gray8, 0, 'm1', axis)]);
    const ad = g.op('Abs', [d]);
    const dim = (i) =>
      g.op('Squeeze', [
        g.op('Slice', [
          grey8Shape,
          g.i64(`seg_wsb_d${i}_${axis}`, [i]),
          g.i64(`seg_wsb_e${i}_${axis}`, [i + 1]),
        ]),
      ]); // scalar shape[i]
    const len = dim(axis); // H or W
    const idx = g.op('Range', [
      'seg_zero_i',
      g.op('Sub', [len, 'seg_one_scalar']),
      'seg_one_scalar',
    ]);
    const onGrid = g.op(
      'Cast',
      [
        g.op('Equal', [
          g.op('Mod', [g.op('Add', [g.op('Add', [idx, 'seg_one_i']), cropStart]), 'seg_wsb_block']),
          'seg_zero_i',
        ]),
      ],
      { to: T.FLOAT },
    ); // [len - 1]
    const mask = axis === 2 ? g.op('Unsqueeze', [onGrid, 'seg_one_i']) : onGrid; // [len-1, 1] or [len-1]
    // share of the map's positions on the grid: B = mean(|d| on grid) = mean(|d| * mask) / share
    const share = g.op('Max', [
      g.op('Div', [
        toD(g.op('ReduceSum', [onGrid], { keepdims: 1 })),
        g.op('Cast', [g.op('Sub', [len, 'seg_one_scalar'])], { to: T.DOUBLE }),
      ]),
      'seg_wsb_floor',
    ]);
    const b = g.op('Div', [frameMean(g.op('Mul', [ad, mask])), share]);
    const a = g.op('Div', [
      g.op('Sub', [g.op('Mul', [frameMean(ad), 'seg_wsb_blockf']), b]),
      'seg_wsb_blockm1',
    ]);
    const sg = g.op('Sign', [d]);
    const crossing = g.op('Less', [
      g.op('Mul', [sliceAx(sg, 1, 'max', axis), sliceAx(sg, 0, 'm1', axis)]),
      'seg_zero_f',
    ]);
    const z = frameMean(g.op('Cast', [crossing], { to: T.FLOAT }));
    return { b, a, z };
  };
  g.f32('seg_zero_f', [0], []);
  const wv = wsbAxis(2, r0);
  const wh = wsbAxis(3, c0);
  const both = (k) =>
    g.op('Max', [g.op('Mul', [g.op('Add', [wv[k], wh[k]]), 'seg_half_d']), 'seg_wsb_floor']);
  const wsbPow = (x, e) => g.op('Pow', [both(x), g.f64(`seg_wsb_${x}_exp`, [e])]);
  const wsbFrame = g.op('Add', [
    g.f64('seg_wsb_alpha', [WSB.alpha]),
    g.op('Mul', [
      g.f64('seg_wsb_beta', [WSB.beta]),
      g.op('Mul', [g.op('Mul', [wsbPow('b', WSB.g1), wsbPow('a', WSB.g2)]), wsbPow('z', WSB.g3)]),
    ]),
  ]); // [N], predicted quality 1..10 per key frame

  // Clipping: share of key-frame pixels crushed to black / blown to white (OpenCV 8-bit grey), mean
  // over the key frames
  g.f32('seg_clip_dark_max', [CLIP_DARK_MAX]);
  g.f32('seg_clip_bright_min', [CLIP_BRIGHT_MIN]);
  const share = (mask) =>
    g.op('ReduceMean', [g.op('Cast', [mask], { to: T.DOUBLE })], { axes: [1, 2, 3], keepdims: 0 });
  // Key frames without detail (grey std < MIN_DETAIL_STD levels: black, a fade, a plain title card)
  // are transitions, not picture: they are left out of the key-frame means (BRISQUE scores such a
  // frame 100 and it is all "clipped"). When every key frame is flat, all of them count.
  const gd = toD(gray8);
  const gMean = g.op('ReduceMean', [gd], { axes: [1, 2, 3], keepdims: 0 });
  const gSq = g.op('ReduceMean', [g.op('Mul', [gd, gd])], { axes: [1, 2, 3], keepdims: 0 });
  const gStd = g.op('Sqrt', [g.op('Relu', [g.op('Sub', [gSq, g.op('Mul', [gMean, gMean])])])]);
  g.f64('seg_min_detail', [MIN_DETAIL_STD]);
  const detail = g.op('Cast', [g.op('Not', [g.op('Less', [gStd, 'seg_min_detail'])])], {
    to: T.DOUBLE,
  });
  const nDetail = g.op('ReduceSum', [detail, 'seg_axes_0'], { keepdims: 1 });
  const weights = g.op('Where', [
    g.op('Greater', [nDetail, 'seg_zero_d']),
    detail,
    g.op('Add', [g.op('Mul', [detail, 'seg_zero_d']), 'seg_one_d']),
  ]);
  const wSum = g.op('ReduceSum', [weights, 'seg_axes_0'], { keepdims: 1 });
  const meanW = (x) =>
    g.op('Div', [
      g.op('ReduceSum', [g.op('Mul', [x, weights]), 'seg_axes_0'], { keepdims: 1 }),
      wSum,
    ]);

  const clipDark = meanW(share(g.op('Not', [g.op('Greater', [gray8, 'seg_clip_dark_max'])])));
  const clipBright = meanW(share(g.op('Not', [g.op('Less', [gray8, 'seg_clip_bright_min'])])));

  const brisqueMean = meanW(toD('brisque'));
  const blurMean = meanW(blurFrame);
  const noiseMean = meanW(noiseFrame);
  g.f64('seg_wsb_top', [WSB_TOP]);
  const compression = g.op('Relu', [g.op('Sub', ['seg_wsb_top', meanW(wsbFrame)])]);

  // ---- temporal measures on the grey motion frames (float64, as temporal.ts) ----
  const x = toD('motion_frames');
  const lum = g.op('ReduceMean', [x], { axes: [1, 2], keepdims: 0 }); // [M]
  const sqMean = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [1, 2], keepdims: 0 });
  const std = g.op('Sqrt', [g.op('Relu', [g.op('Sub', [sqMean, g.op('Mul', [lum, lum])])])]);
  const pairCount = g.op(
    'Cast',
    [g.op('Sub', [g.op('Slice', [g.op('Shape', [x]), 'seg_s_0', 'seg_one_i']), 'seg_one_i'])],
    {
      to: T.DOUBLE,
    },
  );
  const denom = g.op('Max', [pairCount, 'seg_one_d']); // no pairs (M = 1): sums are 0, measures 0
  const mad = g.op(
    'ReduceMean',
    [
      g.op('Abs', [
        g.op('Sub', [
          g.op('Slice', [x, 'seg_s_1', 'seg_e_max', 'seg_axes_0']),
          g.op('Slice', [x, 'seg_s_0', 'seg_e_m1', 'seg_axes_0']),
        ]),
      ]),
    ],
    { axes: [1, 2], keepdims: 0 },
  ); // [M - 1]
  const sum0 = (v) => g.op('ReduceSum', [v, 'seg_axes_0'], { keepdims: 1 }); // -> [1]
  const motion = g.op('Mul', [g.op('Div', [sum0(mad), denom]), 'seg_inv_255_d']);
  const barOf = (meanMad) =>
    g.op('Max', [g.op('Mul', [meanMad, 'seg_freeze_rel']), 'seg_freeze_floor']);
  // temporal.ts freezeBar: the bar from the mean of all pairs, then once more from the mean of the
  // pairs above it (kept when none is), so the repeats do not lower their own bar
  const firstThr = barOf(g.op('ReduceMean', [mad], { axes: [0], keepdims: 1 }));
  const above = g.op('Cast', [g.op('Greater', [mad, firstThr])], { to: T.DOUBLE });
  const nAbove = sum0(above);
  const meanAbove = g.op('Div', [
    sum0(g.op('Mul', [mad, above])),
    g.op('Max', [nAbove, 'seg_one_d']),
  ]);
  const freezeThr = g.op('Where', [
    g.op('Greater', [nAbove, 'seg_zero_d']),
    barOf(meanAbove),
    firstThr,
  ]);
  const frozen = g.op('Cast', [g.op('Not', [g.op('Greater', [mad, freezeThr])])], { to: T.DOUBLE });
  const freeze = g.op('Div', [sum0(frozen), denom]);
  const dLum = g.op('Abs', [
    g.op('Sub', [
      g.op('Slice', [lum, 'seg_s_1', 'seg_e_max', 'seg_axes_0']),
      g.op('Slice', [lum, 'seg_s_0', 'seg_e_m1', 'seg_axes_0']),
    ]),
  ]);
  const flicker = g.op('Mul', [g.op('Div', [sum0(dLum), denom]), 'seg_inv_255_d']);
  const luma = g.op('Mul', [meanN(lum), 'seg_inv_255_d']);
  const contrast = g.op('Mul', [meanN(std), 'seg_inv_255_d']);

  const byName = {
    brisque_mean: brisqueMean,
    motion,
    freeze,
    flicker,
    luma,
    contrast,
    blur: blurMean,
    noise: noiseMean,
    clip_dark: clipDark,
    clip_bright: clipBright,
    compression,
  };
  const measuresD = g.op(
    'Concat',
    SEGMENT_MEASURES.map((n) => byName[n]),
    { axis: 0 },
  );
  g.op('Cast', [measuresD], { to: T.FLOAT }, { outputs: ['measures'] });

  // ---- the head, in float64 on the float32 measures (so a TS reference fed `measures` agrees) ----
  const m = g.op('Cast', ['measures'], { to: T.DOUBLE });
  const pick = (name) => {
    const i = SEGMENT_MEASURES.indexOf(name);
    if (i < 0) throw new Error(`head: unknown measure ${name}`);
    return g.op('Gather', [m, g.i64(`head_idx_${name}_${g.fresh('i')}`, [i])], { axis: 0 });
  };
  const clamp01 = (v) => g.op('Clip', [v, 'head_zero', 'head_one']);
  g.f64('head_zero', [0], []);
  g.f64('head_one', [1], []);
  g.f64('head_brisque_w', [head.brisque.weight / 100]);
  let q = g.op('Sub', [
    'seg_one_d',
    g.op('Mul', [
      g.op('Clip', [pick('brisque_mean'), 'head_zero', 'seg_hundred']),
      'head_brisque_w',
    ]),
  ]);
  for (const p of head.penalties) {
    const t = g.f64(`head_${p.name}_threshold`, [p.threshold]);
    const s = g.f64(`head_${p.name}_k`, [p.direction / p.scale]);
    const w = g.f64(`head_${p.name}_weight`, [p.weight]);
    const excess = g.op('Relu', [g.op('Mul', [g.op('Sub', [pick(p.measure), t]), s])]);
    const soft = g.op('Sub', ['seg_one_d', g.op('Exp', [g.op('Neg', [excess])])]);
    q = g.op('Mul', [q, g.op('Sub', ['seg_one_d', g.op('Mul', [w, soft])])]);
  }
  q = clamp01(q);
  g.op('Cast', [q], { to: T.FLOAT }, { outputs: ['quality'] });
  g.f64('head_centres', head.levelCentres);
  g.f64('head_inv_2tau2', [-1 / (2 * head.tau * head.tau)]);
  const dq = g.op('Sub', [q, 'head_centres']);
  const logits = g.op('Mul', [g.op('Mul', [dq, dq]), 'head_inv_2tau2']);
  g.op('Cast', [logits], { to: T.FLOAT }, { outputs: ['level_logits'] });

  const graph = onnx.GraphProto.create({
    name: 'builtin_nr_segment',
    node: g.nodes,
    initializer: g.initializers,
    input: [
      onnx.ValueInfoProto.create({
        name: 'key_frames',
        type: tensorType(T.UINT8, ['N', 'H', 'W', 3]),
        docString: 'key frames of one segment, 8-bit RGB interleaved (rgb24)',
      }),
      onnx.ValueInfoProto.create({
        name: 'motion_frames',
        type: tensorType(T.UINT8, ['M', 'h', 'w']),
        docString: 'every frame of the segment (previous segment last frame first), 8-bit grey',
      }),
    ],
    output: [
      onnx.ValueInfoProto.create({
        name: 'level_logits',
        type: tensorType(T.FLOAT, [5]),
        docString: 'level logits: high, good, fair, poor, low',
      }),
      onnx.ValueInfoProto.create({
        name: 'quality',
        type: tensorType(T.FLOAT, [1]),
        docString: 'head quality q in [0, 1]',
      }),
      onnx.ValueInfoProto.create({
        name: 'brisque',
        type: tensorType(T.FLOAT, ['N']),
        docString: 'BRISQUE per key frame, 0 best .. 100 worst',
      }),
      onnx.ValueInfoProto.create({
        name: 'measures',
        type: tensorType(T.FLOAT, [SEGMENT_MEASURES.length]),
        docString: SEGMENT_MEASURES.join(', '),
      }),
    ],
    docString:
      'Built-in no-reference segment model: BRISQUE (OpenCV LIVE SVR) per key frame, Crété-Roffet blur, block noise estimate, Wang-Sheikh-Bovik coding artefacts, ' +
      'frame-difference measures and a fixed, documented level head. A classical baseline, not the VQA² LMM.',
  });
  return encodeModel(
    graph,
    'Built-in no-reference quality pack: one segment -> five level logits.',
    {
      measures: SEGMENT_MEASURES.join(','),
      head: JSON.stringify(head),
    },
  );
}

/** A manifest input of N RGB frames, NCHW float32 0..255 without normalisation. */
function rgbFramesInput(name, frameSize, description) {
  return {
    name,
    dtype: 'float32',
    shape: ['N', 3, 'H', 'W'],
    layout: 'NCHW',
    colorOrder: 'RGB',
    range: [0, 255],
    normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
    frameSize,
    description,
  };
}

export function buildManifest() {
  return {
    id: PACK_ID,
    version: PACK_VERSION,
    name: 'Built-in no-reference baseline (BRISQUE + temporal measures)',
    license: 'Apache-2.0',
    description:
      'Classical no-reference baseline, not the VQA² LMM: BRISQUE (Mittal, Moorthy, Bovik 2012) per key frame, ' +
      'computed as OpenCV cv::quality::QualityBRISQUE does, with the LIVE-trained SVR shipped by OpenCV, plus blur, ' +
      'noise, coding-artefact, exposure and frame-difference measures (motion, freeze, flicker), mapped by a fixed, documented head to ' +
      'five level logits per 2 s segment (segment.onnx). brisque.onnx alone gives BRISQUE 0 (best) to 100 (worst).',
    attribution: [
      'BRISQUE: A. Mittal, A. K. Moorthy, A. C. Bovik, "No-Reference Image Quality Assessment in the Spatial Domain", IEEE TIP 21(12), 2012.',
      'SVR model and feature ranges: OpenCV contrib, modules/quality (brisque_model_live.yml, brisque_range_live.yml), Apache-2.0, trained on the LIVE IQA database (release 2).',
      'Blur: F. Crete-Roffet, T. Dolmiere, P. Ladret, M. Nicolas, "The blur effect: perception and estimation with a new no-reference perceptual blur metric", SPIE Human Vision and Electronic Imaging XII, 6492, 2007.',
      'Compression: Z. Wang, H. R. Sheikh, A. C. Bovik, "No-reference perceptual quality assessment of JPEG compressed images", IEEE ICIP 2002, with the constants of the authors\' reference implementation (LIVE, UT Austin, 2002).',
      'Noise: finest Haar HH sub-band as in D. L. Donoho, I. M. Johnstone, "Ideal spatial adaptation by wavelet shrinkage", Biometrika 81(3), 1994; estimated from the flattest blocks (block-based estimation, S. I. Olsen, "Estimation of noise in images: an evaluation", CVGIP: Graphical Models and Image Processing 55(4), 1993).',
    ],
    models: [
      {
        file: 'brisque.onnx',
        opset: OPSET,
        inputs: [
          rgbFramesInput(
            'frames',
            'native (any H, W >= 8); samples are rounded and clamped to 8-bit first, as OpenCV holds them',
            'N key frames at their native resolution (or as scaled by the caller); RGB 0..255.',
          ),
        ],
        outputs: [
          {
            name: 'brisque',
            dtype: 'float32',
            shape: ['N'],
            kind: 'score',
            range: [0, 100],
            lowerIsBetter: true,
            description:
              'BRISQUE score per frame (0 best, 100 worst), clamped to [0, 100] as OpenCV does. A frame without texture (e.g. uniform) has NaN features and scores 100, as in OpenCV.',
          },
          {
            name: 'features',
            dtype: 'float32',
            shape: ['N', 36],
            kind: 'features',
            description:
              'Raw (unscaled) BRISQUE features in OpenCV order: per scale (native, half) [alpha, sigma^2] of the MSCN AGGD fit, then for the H, V, D1, D2 pairwise products [alpha, mean, sigma_l^2, sigma_r^2].',
          },
        ],
        executionProviders: ['cpu'],
      },
      {
        file: 'segment.onnx',
        opset: OPSET,
        inputs: [
          {
            name: 'key_frames',
            dtype: 'uint8',
            shape: ['N', 'H', 'W', 3],
            layout: 'NHWC',
            colorOrder: 'RGB',
            range: [0, 255],
            normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
            frameSize:
              'scoring.keyFrame: fit inside the box keeping the aspect ratio, never upscale',
            description:
              "The key frames of one segment (N >= 1; the first frame of each second), 8-bit RGB interleaved as the decoder's rgb24 gives them.",
          },
          {
            name: 'motion_frames',
            dtype: 'uint8',
            shape: ['M', 'h', 'w'],
            colorOrder: 'grey',
            range: [0, 255],
            frameSize: 'scoring.motionFrame (exact size)',
            description:
              "Every decoded frame of the segment as 8-bit grey (M >= 1); the caller prepends the previous segment's last frame so that the first pair crosses the boundary.",
          },
        ],
        outputs: [
          {
            name: 'level_logits',
            dtype: 'float32',
            shape: [5],
            kind: 'level_logits',
            levels: ['high', 'good', 'fair', 'poor', 'low'],
            description:
              'Level logits l_i = -(q - c_i)^2 / (2 tau^2), c = (1, .75, .5, .25, 0): the level-token function (softmax, weights) turns them into the segment score.',
          },
          {
            name: 'quality',
            dtype: 'float32',
            shape: [1],
            kind: 'score',
            range: [0, 1],
            description:
              "The head's quality q in [0, 1] (higher is better) before the level logits.",
          },
          {
            name: 'brisque',
            dtype: 'float32',
            shape: ['N'],
            kind: 'features',
            range: [0, 100],
            lowerIsBetter: true,
            description: 'BRISQUE per key frame, exactly as brisque.onnx computes it.',
          },
          {
            name: 'measures',
            dtype: 'float32',
            shape: [SEGMENT_MEASURES.length],
            kind: 'measures',
            names: SEGMENT_MEASURES,
            description:
              "brisque_mean (0..100), motion (mean absolute frame difference / 255), freeze (share of frame pairs with MAD <= max(0.005, 0.05 * the mean MAD of the segment's moving pairs: those above the same bar taken from the mean of all pairs)), flicker (mean |change of mean luma| / 255), luma (mean / 255), contrast (mean per-frame std of grey / 255), blur (Crete-Roffet, 0 sharp .. 1 flat, key frames), noise (std estimate in grey levels from the flattest 10 % of 16x16 blocks of the finest Haar HH band, key frames), clip_dark (share of key-frame grey pixels <= 4), clip_bright (share of key-frame grey pixels >= 251), compression (10 - the Wang-Sheikh-Bovik 2002 predicted quality 1..10 on the original frame's 8-pixel block grid, floored at 0; key frames).",
          },
        ],
        executionProviders: ['cpu'],
      },
    ],
    scoring: {
      model: 'segment.onnx',
      segmentSec: 2,
      levelWeights: [1, 0.75, 0.5, 0.25, 0],
      videoScore:
        "level-token score of the level probabilities averaged over the video, each segment weighted by its duration (a short last segment counts for its own seconds); for that average each segment takes the penalties in videoPooled from the whole video: the excess over the threshold, averaged over the video's time, gives one factor 1 - weight * (1 - exp(-excess / scale)) in place of the segment's own (the segments keep their own scores)",
      videoPooled: VIDEO_POOLED,
      keyFrame: { width: 640, height: 640, fit: 'inside, keep aspect ratio, never upscale' },
      motionFrame: { width: 64, height: 36 },
      head: headForManifest(HEAD),
    },
  };
}

/** The head as the manifest documents it (the graph bakes in the same numbers). */
export function headForManifest(head) {
  return {
    formula:
      'q = clamp(S * prod_k (1 - P_k), 0, 1); S = 1 - brisque.weight * clamp(brisque_mean / 100, 0, 1); ' +
      'P_k = weight_k * (1 - exp(-max(0, direction_k * (measure_k - threshold_k) / scale_k))); ' +
      'level_logits_i = -(q - levelCentres_i)^2 / (2 tau^2)',
    ...head,
  };
}

function parseArgs(argv) {
  const here = dirname(fileURLToPath(import.meta.url));
  const opts = {
    out: resolve(here, '..', 'resources', 'models', 'builtin-nr'),
    model: DEFAULT_MODEL_YML,
    range: DEFAULT_RANGE_YML,
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') opts.check = true;
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--model') opts.model = resolve(argv[++i]);
    else if (a === '--range') opts.range = resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

/** Reads the OpenCV YAML files and returns the pack files (bytes/strings), without writing them. */
export function generatePack({ model = DEFAULT_MODEL_YML, range = DEFAULT_RANGE_YML } = {}) {
  for (const f of [model, range]) {
    if (!existsSync(f))
      throw new Error(
        `${f} not found: install Debian's opencv-data package (apt-get install opencv-data)`,
      );
  }
  const svr = loadBrisqueSvr(readFileSync(model, 'utf8'), readFileSync(range, 'utf8'));
  return {
    onnx: buildBrisqueModel(svr),
    segment: buildSegmentModel(svr),
    manifest: JSON.stringify(buildManifest(), null, 2) + '\n',
  };
}

/** Formats JSON the way the repository's prettier config does (falls back to plain JSON). */
async function formatJson(text, filePath) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(filePath)) ?? {};
    return await prettier.format(text, { ...config, parser: 'json' });
  } catch {
    return text;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const pack = generatePack(opts);
  const ms = (performance.now() - t0).toFixed(0);
  const graphs = [
    ['brisque.onnx', pack.onnx],
    ['segment.onnx', pack.segment],
  ];
  const manifestPath = join(opts.out, 'manifest.json');
  if (opts.check) {
    // only the graphs are checked: manifest.json formatting is prettier's
    let ok = true;
    for (const [name, bytes] of graphs) {
      const file = join(opts.out, name);
      const same = existsSync(file) && Buffer.compare(readFileSync(file), Buffer.from(bytes)) === 0;
      console.log(same ? `${name} is up to date` : `${file} differs from the generator output`);
      ok &&= same;
    }
    console.log(`(generated in ${ms} ms)`);
    process.exit(ok ? 0 : 1);
  }
  mkdirSync(opts.out, { recursive: true });
  for (const [name, bytes] of graphs) writeFileSync(join(opts.out, name), bytes);
  writeFileSync(manifestPath, await formatJson(pack.manifest, manifestPath));
  console.log(
    `wrote ${graphs.map(([n, b]) => `${n} (${b.length} bytes)`).join(', ')} and manifest.json to ${opts.out} in ${ms} ms`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
