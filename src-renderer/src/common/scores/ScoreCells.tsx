// Small score visuals shared by the library table and the score popover: the coloured score,
// the level chip and the segment sparkline. All colours come from score-colors.ts.
import { useId } from 'react';
import type { LevelName } from '../../../../src-shared/contract';
import { formatScore } from '../format';
import { levelColor, scoreColor } from './score-colors';
import { sparklinePath, sparklinePoints, sparklineTitle } from './sparkline';

export function ScoreValue({ score }: { score: number | null }) {
  if (score === null) return <span className="muted">—</span>;
  return (
    <span className="score-value" style={{ color: scoreColor(score) }}>
      {formatScore(score)}
    </span>
  );
}

export function LevelChip({ level }: { level: LevelName | null }) {
  if (!level) return <span className="muted">—</span>;
  return (
    <span className="level-chip" data-level={level}>
      <span className="level-dot" style={{ background: levelColor(level) }} aria-hidden="true" />
      {level}
    </span>
  );
}

interface SparklineProps {
  values: number[] | undefined;
  width?: number;
  height?: number;
}

/** Segment scores on the absolute 0–1 scale; the line is coloured point by point with the
 *  score scale through a horizontal gradient, so a dip shows as a dip and as a colour. */
export function Sparkline({ values, width = 64, height = 18 }: SparklineProps) {
  // Letters and digits only: React's ids contain characters that url(#…) would need escaped.
  const gradientId = `spark${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  if (values === undefined) return <span className="sparkline-empty" aria-hidden="true" />;
  if (values.length === 0) return <span className="muted">—</span>;
  const points = sparklinePoints(values, width, height);
  const title = sparklineTitle(values);
  const first = points[0]!.x;
  const span = points[points.length - 1]!.x - first || 1;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      data-testid="sparkline"
    >
      <title>{title}</title>
      <defs>
        {/* userSpaceOnUse: a flat line has a zero-height bounding box, which would void an
            objectBoundingBox gradient and hide the stroke. */}
        <linearGradient
          id={gradientId}
          gradientUnits="userSpaceOnUse"
          x1={first}
          x2={first + span}
          y1={0}
          y2={0}
        >
          {points.map((p, i) => (
            <stop key={i} offset={(p.x - first) / span} stopColor={scoreColor(p.value)} />
          ))}
        </linearGradient>
      </defs>
      {/* A faint box spanning scores 0–100: the line's height within it is the score. */}
      <rect className="sparkline-frame" x={0} y={0} width={width} height={height} rx={2} />
      <path
        d={sparklinePath(points)}
        fill="none"
        stroke={`url(#${gradientId})`}
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
