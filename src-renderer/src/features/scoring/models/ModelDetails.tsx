// One registered model: what it is, what it weighs on disk and in memory, where it can run.
import type { ModelView } from '../../../../../src-shared/contract-models';
import { formatSize } from '../../../common/format';

const ARCH_LABEL: Record<ModelView['arch'], string> = {
  vqa2: 'VQA² scorer (LLaVA-OneVision + motion branch)',
  llava_onevision: 'LLaVA-OneVision',
  qwen2_vl: 'Qwen2-VL',
  qwen2_5_vl: 'Qwen2.5-VL',
};

/** "165.6 K", "7.6 B" */
export function formatParams(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function ModelDetails({ model: m, onRemove }: { model: ModelView; onRemove(): void }) {
  return (
    <section className="model-details" data-testid="model-details" aria-label={`Model ${m.name}`}>
      <h3>{m.name}</h3>
      <dl className="model-facts">
        <dt>Architecture</dt>
        <dd data-testid="model-arch">{ARCH_LABEL[m.arch] ?? m.arch}</dd>
        <dt>Parameters</dt>
        <dd data-testid="model-params">{formatParams(m.paramCount)}</dd>
        <dt>Size on disk</dt>
        <dd>{formatSize(m.sizeBytes)}</dd>
        <dt>Memory (est.)</dt>
        <dd data-testid="model-mem">
          {formatSize(m.estMem.load)} to load · {formatSize(m.estMem.score)} while scoring a video
        </dd>
        <dt>Providers here</dt>
        <dd data-testid="model-providers">
          {m.providers.join(', ')}
          {m.providers.includes('cuda') ? null : (
            <span className="muted">
              {' '}
              (CUDA: reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12)
            </span>
          )}
        </dd>
        <dt>Folder</dt>
        <dd className="mono truncate" title={m.dir}>
          {m.dir}
        </dd>
        <dt>Id</dt>
        <dd className="mono">{m.id}</dd>
      </dl>
      <table className="model-files" data-testid="model-files">
        <thead>
          <tr>
            <th>File</th>
            <th>dtype</th>
            <th className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {m.files.map((f) => (
            <tr key={f.path}>
              <td className="mono">{f.path}</td>
              <td>{f.dtype}</td>
              <td className="num">{formatSize(f.sizeBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="model-actions">
        <button
          type="button"
          className="danger-outline"
          onClick={onRemove}
          data-testid="model-remove"
        >
          Remove from the studio
        </button>
        <span className="hint">The folder on disk is not touched.</span>
      </div>
    </section>
  );
}
