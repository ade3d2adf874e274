// A small deterministic ONNX graph builder for the tiny model generator: nodes and initializers in
// insertion order, numbers as little-endian raw bytes, no timestamps, so regeneration is
// byte-identical.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;
export const OPSET = 17;

function rawBytes(values, dataType) {
  if (dataType === T.FLOAT) {
    const a = Float32Array.from(values);
    return new Uint8Array(a.buffer);
  }
  if (dataType === T.INT64) {
    const a = BigInt64Array.from(values, (v) => BigInt(v));
    return new Uint8Array(a.buffer);
  }
  throw new Error('unsupported tensor type');
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

export class Graph {
  constructor(name) {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.counter = 0;
    this.names = new Set();
    /** Parameter count (float initializers only, the model's weights). */
    this.params = 0;
  }
  fresh(prefix) {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
  input(name, elemType, dims) {
    this.inputs.push(onnx.ValueInfoProto.create({ name, type: tensorType(elemType, dims) }));
    return name;
  }
  output(name, elemType, dims) {
    this.outputs.push(onnx.ValueInfoProto.create({ name, type: tensorType(elemType, dims) }));
    return name;
  }
  constant(name, dims, dataType, values) {
    if (this.names.has(name)) throw new Error(`duplicate initializer ${name}`);
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== values.length) throw new Error(`${name}: ${values.length} values for dims ${dims}`);
    this.names.add(name);
    this.initializers.push(
      onnx.TensorProto.create({ name, dims, dataType, rawData: rawBytes(values, dataType) }),
    );
    return name;
  }
  /** A weight (counted as a parameter). */
  weight(name, dims, values) {
    this.params += values.length;
    return this.constant(name, dims, T.FLOAT, values);
  }
  f32(values, dims = [values.length]) {
    return this.constant(this.fresh('const_f'), dims, T.FLOAT, values);
  }
  i64(values, dims = [values.length]) {
    return this.constant(this.fresh('const_i'), dims, T.INT64, values);
  }
  /** Adds a node; attrs: { name: number | number[] | string }; numbers listed in `floats` are floats. */
  op(opType, inputs, attrs = {}, { outputs = 1, floats = [] } = {}) {
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
      if (Array.isArray(v)) return onnx.AttributeProto.create({ name: k, type: A.INTS, ints: v });
      if (floats.includes(k)) return onnx.AttributeProto.create({ name: k, type: A.FLOAT, f: v });
      return onnx.AttributeProto.create({ name: k, type: A.INT, i: v });
    });
    this.nodes.push(
      onnx.NodeProto.create({
        name: this.fresh(`n_${opType}`),
        opType,
        input: inputs,
        output: outNames,
        attribute,
      }),
    );
    return outNames.length === 1 ? outNames[0] : outNames;
  }
  encode(docString) {
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
      producerName: 'vqa2-studio gen-tiny-models',
      producerVersion: '1',
      docString,
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** mulberry32, the same seeded generator as the studio's util/prng. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform weights in [-scale, scale) (rounded to float32 by the tensor writer). */
export function uniform(rand, n, scale) {
  return Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

// ---- common layers (x: float tensor name) -----------------------------------------------------

export function linear(g, x, name, rand, inDim, outDim, { bias = true } = {}) {
  const w = g.weight(
    `${name}.weight`,
    [inDim, outDim],
    uniform(rand, inDim * outDim, 1 / Math.sqrt(inDim)),
  );
  let y = g.op('MatMul', [x, w]);
  if (bias) y = g.op('Add', [y, g.weight(`${name}.bias`, [outDim], uniform(rand, outDim, 0.1))]);
  return y;
}

export function rmsNorm(g, x, name, rand, dim, eps) {
  const w = g.weight(
    `${name}.weight`,
    [dim],
    uniform(rand, dim, 0.2).map((v) => 1 + v),
  );
  const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, g.f32([eps], [])])])]);
  return g.op('Mul', [g.op('Mul', [x, inv]), w]);
}

export function layerNorm(g, x, name, rand, dim, eps) {
  const w = g.weight(
    `${name}.weight`,
    [dim],
    uniform(rand, dim, 0.2).map((v) => 1 + v),
  );
  const b = g.weight(`${name}.bias`, [dim], uniform(rand, dim, 0.1));
  return g.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: eps }, { floats: ['epsilon'] });
}

/** GELU, tanh approximation (as SigLIP's and the projector's `gelu_pytorch_tanh`). */
export function gelu(g, x) {
  const x3 = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [
    g.op('Add', [x, g.op('Mul', [x3, g.f32([0.044715], [])])]),
    g.f32([Math.sqrt(2 / Math.PI)], []),
  ]);
  const t = g.op('Tanh', [inner]);
  return g.op('Mul', [g.op('Mul', [x, g.f32([0.5], [])]), g.op('Add', [t, g.f32([1], [])])]);
}

export function silu(g, x) {
  return g.op('Mul', [x, g.op('Sigmoid', [x])]);
}
