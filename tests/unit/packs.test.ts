import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSession,
  describeProvider,
  explainProviderFailure,
  loadPack,
} from '../../src-main/services/inference/packs';

const builtin = path.resolve(__dirname, '../../resources/models/builtin-nr');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vqa2-packs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the built-in pack with a manifest edited by `edit`. */
function variant(name: string, edit: (m: Record<string, unknown>) => void): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(builtin))
    if (f.endsWith('.onnx')) fs.copyFileSync(path.join(builtin, f), path.join(dir, f));
  const m = JSON.parse(fs.readFileSync(path.join(builtin, 'manifest.json'), 'utf8'));
  edit(m);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('model packs', () => {
  it('loads the built-in pack and runs it on the CPU, explaining why CUDA was not used', async () => {
    const pack = loadPack(builtin);
    expect(pack.manifest.id).toBe('builtin-nr');
    const info = await createSession(pack, 'brisque.onnx', ['cuda', 'cpu']);
    expect(info.provider).toBe('cpu');
    // on a machine without onnxruntime's CUDA binaries the fallback is recorded with a reason
    if (info.fallbacks.length) {
      expect(info.fallbacks[0]!.provider).toBe('cuda');
      expect(info.fallbacks[0]!.reason.length).toBeGreaterThan(10);
      expect(describeProvider(info)).toMatch(/^cpu \(cuda unavailable: /);
    }
    await info.session.release();
  });

  it('names the field of an invalid manifest', () => {
    const dir = variant('bad-id', (m) => (m.id = 'Has Spaces'));
    expect(() => loadPack(dir)).toThrow(/manifest\.json: id: /);
    const dir2 = variant(
      'no-file',
      (m) => ((m.models as { file: string }[])[0]!.file = 'missing.onnx'),
    );
    expect(() => loadPack(dir2)).toThrow(/model file missing\.onnx is missing/);
    expect(() => loadPack(path.join(tmp, 'nowhere'))).toThrow(/manifest\.json is missing/);
  });

  it('refuses a pack whose ONNX inputs or outputs do not match the manifest, naming the mismatch', async () => {
    const dir = variant('renamed-input', (m) => {
      const model = (m.models as { file: string; inputs: { name: string }[] }[]).find(
        (x) => x.file === 'brisque.onnx',
      )!;
      model.inputs[0]!.name = 'pixels';
    });
    await expect(createSession(loadPack(dir), 'brisque.onnx', ['cpu'])).rejects.toThrow(
      /manifest declares input "pixels" but the ONNX graph has inputs \[frames\]/,
    );
    const dir2 = variant('wrong-dtype', (m) => {
      const model = (
        m.models as { file: string; outputs: { name: string; dtype: string }[] }[]
      ).find((x) => x.file === 'brisque.onnx')!;
      model.outputs[0]!.dtype = 'int64';
    });
    await expect(createSession(loadPack(dir2), 'brisque.onnx', ['cpu'])).rejects.toThrow(
      /is float32 in the ONNX graph but int64 in the manifest/,
    );
  });

  it('turns a missing CUDA library into an actionable reason', () => {
    expect(
      explainProviderFailure(
        'cuda',
        'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
      ),
    ).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    expect(explainProviderFailure('cpu', 'boom\nstack')).toBe('boom');
  });
});
