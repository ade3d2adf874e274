// Model score vs MOS for one run: points (hover shows the video, click opens its review), the fitted
// VQEG logistic curve, axes with units; exports as SVG or PNG. Colours and fonts are attributes,
// not CSS, so the exported file looks the same outside the app.
import { useMemo, useRef, useState } from 'react';
import type { EvalResult } from '../../../../src-shared/contract-evaluation';
import type { OpenVideo } from '../../common/open-video';
import { downloadBlob, linearScale, svgToPng } from './logic/plot';
import { fmtMetric } from './logic/metrics-table';

const W = 600;
const H = 400;
const M = { left: 56, right: 16, top: 16, bottom: 48 };
const COLORS = {
  bg: '#1b1c20',
  grid: '#2f3238',
  axis: '#9599a3',
  text: '#e4e6ea',
  point: '#4f8ef7',
  curve: '#d4a72c',
};

/** Beside the point, on the side with room. */
function tooltipPosition(px: number, py: number) {
  return {
    top: py > H * 0.65 ? py - 96 : py - 8,
    ...(px > W / 2 ? { right: W - px + 12 } : { left: px + 12 }),
  };
}

interface ScatterPlotProps {
  result: EvalResult;
  projectName: string;
  onOpenVideo: OpenVideo;
}

export function ScatterPlot({ result, projectName, onOpenVideo }: ScatterPlotProps) {
  const [runId, setRunId] = useState<number | null>(null);
  const run = result.runs.find((r) => r.run.id === runId) ?? result.runs[0];
  const [hover, setHover] = useState<number | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  const geo = useMemo(() => {
    if (!run) return null;
    const xs = run.points.map((p) => p.score * 100);
    const ys = [...run.points.map((p) => p.mos), ...run.curve.map((c) => c.y)];
    const x = linearScale(xs.length ? xs : [0, 100], M.left, W - M.right);
    const y = linearScale(ys.length ? ys : [0, 1], H - M.bottom, M.top);
    const curve = run.curve
      .map((c, i) => `${i ? 'L' : 'M'}${x(c.x * 100).toFixed(1)},${y(c.y).toFixed(1)}`)
      .join('');
    return { x, y, curve };
  }, [run]);

  if (!run || !geo) return null;
  const { x, y } = geo;
  const hovered = hover !== null ? run.points[hover] : undefined;

  const fileBase = `${projectName}-run${run.run.id}-scatter`;
  const exportSvg = () => {
    const svg = svgRef.current?.outerHTML;
    if (svg) downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), `${fileBase}.svg`);
  };
  const exportPng = () => {
    const svg = svgRef.current?.outerHTML;
    if (!svg) return;
    svgToPng(svg, W, H).then(
      (png) => downloadBlob(png, `${fileBase}.png`),
      (err: unknown) => setExportError(err instanceof Error ? err.message : String(err)),
    );
  };

  return (
    <section className="eval-card eval-plot" aria-label="Scatter plot">
      <header className="eval-card-header">
        <h2>Score vs MOS</h2>
        {result.runs.length > 1 ? (
          <select
            value={run.run.id}
            onChange={(e) => setRunId(Number(e.target.value))}
            data-testid="eval-plot-run"
          >
            {result.runs.map((r) => (
              <option key={r.run.id} value={r.run.id}>
                {r.run.label}
              </option>
            ))}
          </select>
        ) : (
          <span className="muted">{run.run.label}</span>
        )}
      </header>
      <div className="eval-plot-wrap">
        <svg
          ref={svgRef}
          xmlns="http://www.w3.org/2000/svg"
          width={W}
          height={H}
          viewBox={`0 0 ${W} ${H}`}
          data-testid="eval-scatter"
          fontFamily="sans-serif"
          fontSize="11"
        >
          <rect x={0} y={0} width={W} height={H} fill={COLORS.bg} />
          {x.ticks.map((t) => (
            <g key={`x${t}`}>
              <line x1={x(t)} x2={x(t)} y1={M.top} y2={H - M.bottom} stroke={COLORS.grid} />
              <text x={x(t)} y={H - M.bottom + 16} textAnchor="middle" fill={COLORS.axis}>
                {t}
              </text>
            </g>
          ))}
          {y.ticks.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke={COLORS.grid} />
              <text x={M.left - 6} y={y(t) + 4} textAnchor="end" fill={COLORS.axis}>
                {t}
              </text>
            </g>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 10} textAnchor="middle" fill={COLORS.text}>
            Model score ({run.run.label}, 0–100)
          </text>
          <text
            transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
            fill={COLORS.text}
          >
            MOS (scale {result.source.scale})
          </text>
          {geo.curve ? (
            <path
              d={geo.curve}
              fill="none"
              stroke={COLORS.curve}
              strokeWidth={2}
              data-testid="eval-curve"
            />
          ) : null}
          {run.points.map((p, i) => (
            <circle
              key={p.videoId}
              cx={x(p.score * 100)}
              cy={y(p.mos)}
              r={hover === i ? 7 : 5}
              fill={COLORS.point}
              fillOpacity={0.75}
              stroke={hover === i ? COLORS.text : 'none'}
              style={{ cursor: 'pointer' }}
              data-testid={`eval-point-${p.videoId}`}
              onMouseEnter={() => setHover(i)}
              onMouseLeave={() => setHover((h) => (h === i ? null : h))}
              onClick={() => onOpenVideo(p.videoId)}
            >
              <title>{p.name}</title>
            </circle>
          ))}
        </svg>
        {hovered ? (
          <div
            className="eval-tooltip"
            role="tooltip"
            data-testid="eval-tooltip"
            style={tooltipPosition(x(hovered.score * 100), y(hovered.mos))}
          >
            <strong>{hovered.name}</strong>
            <span>score {(hovered.score * 100).toFixed(1)}</span>
            <span>
              MOS {hovered.mos.toFixed(2)}
              {hovered.mosCi95
                ? ` (95 % CI ${hovered.mosCi95[0].toFixed(2)}–${hovered.mosCi95[1].toFixed(2)})`
                : ''}
            </span>
            <span className="muted">click to review</span>
          </div>
        ) : null}
      </div>
      <footer className="eval-actions">
        <span className="muted">
          {run.curve.length
            ? `Logistic fit${run.fit.converged ? '' : ' (did not converge)'}: PLCC ${fmtMetric(run.metrics.plccLogistic, 3)}, RMSE ${fmtMetric(run.metrics.rmseLogistic, 3)}`
            : 'No logistic fit (too few or constant scores)'}
        </span>
        <button type="button" onClick={exportSvg} data-testid="eval-export-svg">
          Export SVG
        </button>
        <button type="button" onClick={exportPng} data-testid="eval-export-png">
          Export PNG
        </button>
        {exportError ? <span className="eval-warn">{exportError}</span> : null}
      </footer>
    </section>
  );
}
