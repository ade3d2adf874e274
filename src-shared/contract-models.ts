// Contract calls of the in-process model registry (studio-wide, not per project): list, add a model
// folder by path (validated first; nothing is registered when it fails), remove.
// Call names are the keys of the map below.
import { z } from 'zod';
import { call, emptyInput } from './contract-core';

export interface ModelFileView {
  /** Relative to the model folder, e.g. onnx/decoder_model_merged.onnx. */
  path: string;
  sizeBytes: number;
  dtype: string;
}

export interface ModelView {
  id: string;
  name: string;
  dir: string;
  arch: 'qwen2_vl' | 'qwen2_5_vl' | 'llava_onevision' | 'vqa2';
  paramCount: number;
  files: ModelFileView[];
  dtypes: string[];
  sizeBytes: number;
  /** Estimated bytes to load it, and to load it and run one scoring pass at the configured frame counts. */
  estMem: { load: number; score: number };
  estMemBytes: number;
  /** Execution providers it can use on this machine, best first. */
  providers: string[];
  /** The folder has gone since it was added. */
  missing: boolean;
  addedAt: string;
}

export const modelIdSchema = z.string().regex(/^[a-z0-9]{1,40}$/, 'model id is letters and digits');

export const modelsCalls = {
  'models.list': call<ModelView[]>()(emptyInput),
  'models.add': call<ModelView>()(
    z
      .object({
        dir: z
          .string()
          .trim()
          .min(1, 'the folder path is empty')
          .max(4096)
          .refine((p) => !p.includes('\0'), 'path contains a NUL byte'),
        name: z.string().trim().min(1, 'the name is empty').max(100).optional(),
      })
      .strict(),
  ),
  'models.remove': call<{ removed: boolean }>()(z.object({ id: modelIdSchema }).strict()),
} as const;
