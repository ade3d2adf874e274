// Rating studies: the list (with each annotator's progress), a form to create one from the
// project's playable videos, and Start / Resume for the current annotator.
import { useMemo, useState } from 'react';
import type { EvalOverview } from '../../../../src-shared/contract-evaluation';
import { useAction } from '../../common/data/useAction';
import { useCall } from '../../common/data/useCall';
import { studyClipCount } from './logic/study-clips';

interface StudiesPanelProps {
  overview: EvalOverview | null;
  onChanged(): void;
  onStart(studyId: number): void;
}

export function StudiesPanel({ overview, onChanged, onStart }: StudiesPanelProps) {
  const annotator = useCall('settings.get', {}).data?.annotator ?? '';
  const createCall = useAction('study.create');
  const [name, setName] = useState('ACR study');
  const [limit, setLimit] = useState(24);
  const [training, setTraining] = useState(0);
  const [repeats, setRepeats] = useState(2);
  const [seed, setSeed] = useState('');
  // The playable videos, by name; the user picks which go into the study (all by default).
  const playable = useCall('library.list', {
    offset: 0,
    limit: 1000,
    filter: { status: 'ok' },
    sort: { column: 'name', desc: false },
  }).data;
  const videos = useMemo(
    () => playable?.rows.map((v) => ({ id: v.id, name: v.name })) ?? null,
    [playable],
  );
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());

  const pool = (videos ?? []).filter((v) => !left.has(v.id));
  const { tests, capped } = studyClipCount(limit, training, pool.length);
  const toggle = (id: number) =>
    setLeft((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const create = async () => {
    const ids = pool.map((v) => v.id).slice(0, training + tests);
    const trainingIds = ids.slice(0, training);
    const videoIds = ids.slice(training);
    const r = await createCall.run({
      name: name.trim(),
      videoIds,
      trainingIds,
      repeats: Math.min(repeats, videoIds.length),
      ...(seed.trim() ? { seed: Number(seed) } : {}),
    });
    if (!r.ok) return;
    onChanged();
    onStart(r.value.id);
  };

  const seedBad = seed.trim() !== '' && !/^\d{1,9}$/.test(seed.trim());
  return (
    <div className="eval-body">
      <section className="eval-card" aria-label="Studies">
        <header className="eval-card-header">
          <h2>Rating studies</h2>
          <span className="muted">ACR per ITU-T P.910 · rating as {annotator || '…'}</span>
        </header>
        {overview && overview.studies.length ? (
          <table className="eval-table" data-testid="study-list">
            <thead>
              <tr>
                <th>Study</th>
                <th className="num">Clips</th>
                <th className="num">Training</th>
                <th className="num">Repeats</th>
                <th>Sessions</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {overview.studies.map((s) => {
                const mine = s.sessions.find((x) => x.annotator === annotator);
                return (
                  <tr key={s.id} data-testid={`study-${s.id}`}>
                    <td>{s.name}</td>
                    <td className="num">{s.videoIds.length}</td>
                    <td className="num">{s.trainingIds.length}</td>
                    <td className="num">{s.repeats}</td>
                    <td>
                      {s.sessions
                        .map(
                          (x) =>
                            `${x.annotator}: ${x.status === 'done' ? 'done' : `${x.rated}/${x.total}${x.status === 'paused' ? ' (paused)' : ''}`}` +
                            (x.repeatDiff != null ? ` (repeat Δ ${x.repeatDiff.toFixed(2)})` : ''),
                        )
                        .join(' · ') || '—'}
                    </td>
                    <td>
                      {mine?.status === 'done' ? (
                        <span className="muted">finished</span>
                      ) : (
                        <button
                          type="button"
                          className="primary"
                          onClick={() => onStart(s.id)}
                          data-testid={`study-start-${s.id}`}
                        >
                          {mine ? `Resume (${mine.rated} of ${mine.total} rated)` : 'Start'}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className="muted">No studies yet.</p>
        )}
      </section>
      <section className="eval-card" aria-label="New study">
        <header className="eval-card-header">
          <h2>New study</h2>
          <span className="muted">
            from the project’s playable videos (
            {videos ? `${pool.length} of ${videos.length} chosen` : '…'})
          </span>
        </header>
        <form
          className="study-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label>
            Name
            <input
              value={name}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
              data-testid="study-name"
            />
          </label>
          <label>
            Test clips
            <input
              type="number"
              min={2}
              value={limit}
              onChange={(e) => setLimit(Number(e.target.value))}
              data-testid="study-clips"
            />
            <span className={capped ? 'eval-warn' : 'muted'} data-testid="study-clips-note">
              {capped
                ? `only ${tests} available: the study will have ${tests}`
                : `of ${Math.max(0, pool.length - training)} available`}
            </span>
          </label>
          <label>
            Training clips (shown first, not counted)
            <input
              type="number"
              min={0}
              max={50}
              value={training}
              onChange={(e) => setTraining(Number(e.target.value))}
              data-testid="study-training"
            />
          </label>
          <label>
            Repeated clips (consistency check)
            <input
              type="number"
              min={0}
              max={limit}
              value={repeats}
              onChange={(e) => setRepeats(Number(e.target.value))}
              data-testid="study-repeats"
            />
          </label>
          <label>
            Seed (blank: random)
            <input
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              aria-invalid={seedBad}
              data-testid="study-seed"
            />
          </label>
          <button
            type="submit"
            className="primary"
            disabled={!name.trim() || seedBad || tests < 2}
            data-testid="study-create"
          >
            Create and start ({tests} clips)
          </button>
        </form>
        <details className="study-videos" data-testid="study-videos">
          <summary>
            Choose the videos ({pool.length} of {videos?.length ?? '…'})
          </summary>
          <div className="study-videos-actions">
            <button type="button" className="small" onClick={() => setLeft(new Set())}>
              All
            </button>
            <button
              type="button"
              className="small"
              onClick={() => setLeft(new Set((videos ?? []).map((v) => v.id)))}
            >
              None
            </button>
          </div>
          <ul className="study-video-list">
            {(videos ?? []).map((v) => (
              <li key={v.id}>
                <label className="eval-check">
                  <input
                    type="checkbox"
                    checked={!left.has(v.id)}
                    onChange={() => toggle(v.id)}
                    data-testid="study-video-pick"
                  />
                  {v.name}
                </label>
              </li>
            ))}
          </ul>
        </details>
        <p className="muted">
          Each annotator sees the clips in their own random order (seeded by the study and their
          name). Clips play full screen, then you rate them Excellent / Good / Fair / Poor / Bad
          (keys 5–1). Ratings are saved as you go; pause any time and resume later.
        </p>
      </section>
    </div>
  );
}
