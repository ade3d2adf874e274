// Model packs: a folder with manifest.json + .onnx file(s). The manifest is zod-validated, each
// ONNX session's inputs/outputs are checked against it, and sessions are created with execution
// providers in preference order (cuda → cpu), recording which one ran and why any fallback happened.
import { StudioError } from '../../../src-shared/contract-errors';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';

// ONNX Runtime logs a provider's load failure natively before we can catch it; the reason is
// recorded and shown by us instead.
ort.env.logLevel = 'fatal';

export class PackError extends StudioError<
  'PACK_NOT_FOUND' | 'PACK_INVALID' | 'PACK_MISMATCH' | 'PACK_SESSION_FAILED'
> {
  constructor(
    code: 'PACK_NOT_FOUND' | 'PACK_INVALID' | 'PACK_MISMATCH' | 'PACK_SESSION_FAILED',
    message: string,
  ) {
    super(code, message);
    this.name = 'PackError';
  }
}

const tensorSpec = z
  .object({
    name: z.string().min(1),
    dtype: z.enum(['float32', 'uint8', 'int64']),
    shape: z.array(z.union([z.number().int().positive(), z.string().min(1)])).min(1),
    description: z.string().optional(),
  })
  .passthrough();

const modelSpec = z
  .object({
    file: z
      .string()
      .regex(/^[\w.-]+\.onnx$/, 'model file must be a plain .onnx file name inside the pack'),
    opset: z.number().int().positive().optional(),
    inputs: z.array(tensorSpec).min(1),
    outputs: z
      .array(
        tensorSpec.extend({
          kind: z.enum(['level_logits', 'score', 'features', 'measures']).optional(),
        }),
      )
      .min(1),
    executionProviders: z
      .array(z.enum(['cuda', 'cpu', 'webgpu', 'tensorrt']))
      .min(1)
      .optional(),
  })
  .passthrough();

/** A penalty of a classical head (the built-in pack's `scoring.head`, quality-head.ts). */
const headPenalty = z
  .object({
    name: z.string().min(1),
    measure: z.string().min(1),
    direction: z.union([z.literal(1), z.literal(-1)]),
    threshold: z.number().finite(),
    scale: z.number().finite().positive(),
    weight: z.number().min(0).max(1),
  })
  .passthrough();
const head = z
  .object({
    tau: z.number().finite().positive(),
    levelCentres: z.array(z.number().finite()).length(5),
    brisque: z.object({ weight: z.number().finite() }).passthrough(),
    penalties: z.array(headPenalty),
  })
  .passthrough();

export const manifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id: lowercase letters, digits, . _ -'),
    version: z.string().min(1),
    name: z.string().min(1),
    license: z.string().min(1),
    description: z.string().min(1),
    models: z.array(modelSpec).min(1),
    scoring: z
      .object({
        segmentSec: z.number().positive().max(600),
        levelWeights: z.array(z.number().finite()).length(5),
        keyFrame: z.object({
          width: z.number().int().min(8).max(4096),
          height: z.number().int().min(8).max(4096),
        }),
        motionFrame: z.object({
          width: z.number().int().min(4).max(1024),
          height: z.number().int().min(4).max(1024),
        }),
        head: head.optional(),
        /** Penalties of `head` that judge the whole video rather than each segment. */
        videoPooled: z.array(z.string()).optional(),
      })
      .passthrough()
      .refine(
        (sc) => (sc.videoPooled ?? []).every((n) => sc.head?.penalties.some((p) => p.name === n)),
        {
          message: 'every name in videoPooled must be a penalty of scoring.head',
          path: ['videoPooled'],
        },
      )
      .optional(),
  })
  .passthrough();
export type PackManifest = z.infer<typeof manifestSchema>;

export interface LoadedPack {
  dir: string;
  manifest: PackManifest;
}

/** Read and validate a pack's manifest; every model file must exist inside the pack folder. */
export function loadPack(dir: string): LoadedPack {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file))
    throw new PackError('PACK_NOT_FOUND', `No model pack at ${dir} (manifest.json is missing)`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PackError('PACK_INVALID', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PackError('PACK_INVALID', `${file}: ${i.path.join('.') || 'manifest'}: ${i.message}`);
  }
  for (const m of r.data.models) {
    if (!fs.existsSync(path.join(dir, m.file)))
      throw new PackError('PACK_INVALID', `${file}: model file ${m.file} is missing`);
  }
  return { dir, manifest: r.data };
}

export type ProviderName = 'cuda' | 'cpu' | 'webgpu' | 'tensorrt';

export interface SessionInfo {
  session: ort.InferenceSession;
  provider: ProviderName;
  /** Why a preferred provider was not used (empty when the first choice ran). */
  fallbacks: { provider: ProviderName; reason: string }[];
}

function backendSupported(name: ProviderName): { ok: boolean; reason?: string } {
  const list = (
    ort as unknown as { listSupportedBackends?: () => { name: string }[] }
  ).listSupportedBackends?.();
  if (list && !list.some((x) => x.name === name)) {
    return { ok: false, reason: `${name} is not supported by this onnxruntime-node build` };
  }
  return { ok: true };
}

/** Turn ONNX Runtime's provider error into a reason a person can act on. */
export function explainProviderFailure(provider: ProviderName, message: string): string {
  const first = message.split('\n')[0]!.trim();
  if (provider === 'cuda' && /Failed to load (shared )?library/i.test(first)) {
    return 'CUDA binaries of onnxruntime-node are not installed or CUDA 12 libraries are missing (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with an NVIDIA GPU)';
  }
  return first;
}

/** Check a session's inputs/outputs against the manifest; throws naming the first mismatch. */
export function checkSessionAgainstManifest(
  session: Pick<ort.InferenceSession, 'inputNames' | 'outputNames'> & {
    inputMetadata?: readonly unknown[];
    outputMetadata?: readonly unknown[];
  },
  model: PackManifest['models'][number],
  where: string,
): void {
  const names = (specs: { name: string }[]) => specs.map((s) => s.name);
  for (const [kind, declared, actual, meta] of [
    ['input', model.inputs, session.inputNames, session.inputMetadata],
    ['output', model.outputs, session.outputNames, session.outputMetadata],
  ] as const) {
    const missing = names(declared).filter((n) => !actual.includes(n));
    if (missing.length) {
      throw new PackError(
        'PACK_MISMATCH',
        `${where}: manifest declares ${kind} "${missing[0]}" but the ONNX graph has ${kind}s [${actual.join(', ')}]`,
      );
    }
    for (const spec of declared) {
      const m = (
        meta as { name: string; type?: string; shape?: readonly (number | string)[] }[] | undefined
      )?.find((x) => x.name === spec.name);
      if (!m) continue;
      if (m.type && m.type !== spec.dtype) {
        throw new PackError(
          'PACK_MISMATCH',
          `${where}: ${kind} "${spec.name}" is ${m.type} in the ONNX graph but ${spec.dtype} in the manifest`,
        );
      }
      if (m.shape && m.shape.length !== spec.shape.length) {
        throw new PackError(
          'PACK_MISMATCH',
          `${where}: ${kind} "${spec.name}" has rank ${m.shape.length} in the ONNX graph but [${spec.shape.join(', ')}] in the manifest`,
        );
      }
    }
  }
}

/** Create a session trying providers in order; records the provider that ran and each fallback's reason. */
export async function createSession(
  pack: LoadedPack,
  modelFile: string,
  preferred: ProviderName[] = ['cuda', 'cpu'],
  threads?: number,
  /** false: intra-op threads sleep between operators instead of spinning (leaves CPU to ffmpeg). */
  spinning?: boolean,
): Promise<SessionInfo> {
  const model = pack.manifest.models.find((m) => m.file === modelFile);
  if (!model)
    throw new PackError('PACK_INVALID', `Pack ${pack.manifest.id} has no model ${modelFile}`);
  const file = path.join(pack.dir, model.file);
  const fallbacks: SessionInfo['fallbacks'] = [];
  const order = preferred.includes('cpu') ? preferred : [...preferred, 'cpu' as const];
  for (const provider of order) {
    const available = backendSupported(provider);
    if (!available.ok) {
      fallbacks.push({ provider, reason: available.reason! });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(file, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 4,
        ...(threads ? { intraOpNumThreads: threads } : {}),
        ...(spinning === false
          ? { extra: { session: { intra_op: { allow_spinning: '0' } } } }
          : {}),
      });
      checkSessionAgainstManifest(session, model, `${pack.manifest.id}/${model.file}`);
      return { session, provider, fallbacks };
    } catch (e) {
      if (e instanceof PackError) throw e;
      fallbacks.push({ provider, reason: explainProviderFailure(provider, (e as Error).message) });
    }
  }
  throw new PackError(
    'PACK_SESSION_FAILED',
    `Could not create an ONNX Runtime session for ${file}: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`,
  );
}

/** Describe the provider choice for people: "cpu (cuda unavailable: …)". */
export function describeProvider(info: Pick<SessionInfo, 'provider' | 'fallbacks'>): string {
  if (!info.fallbacks.length) return info.provider;
  return `${info.provider} (${info.fallbacks.map((f) => `${f.provider} unavailable: ${f.reason}`).join('; ')})`;
}
