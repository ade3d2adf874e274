// Subjective-study statistics over individual ratings (one vote per observer and video):
// - MOS per video: mean, sample standard deviation (n−1) and the 95 % confidence interval
//   mean ± t(0.975, n−1)·sd/√n (Student's t; ITU-R BT.500-14 §A1-2.2 uses this form with δ).
// - Observer screening per ITU-R BT.500-14 Annex 1 §A1-2.3.1 (β2 test): for each video j,
//   mean ū_j, sd S_j (n−1) and kurtosis β2_j = m4/m2² (moments about the mean, divided by N).
//   If 2 ≤ β2_j ≤ 4 the scores count as normal and the threshold is 2·S_j, else √20·S_j. For each
//   observer i, P_i counts votes ≥ ū_j + threshold, Q_i votes ≤ ū_j − threshold. Observer i is
//   rejected when (P_i + Q_i)/J_i > 0.05 and |(P_i − Q_i)/(P_i + Q_i)| < 0.3, J_i = videos rated.
// - Agreement: Krippendorff's alpha with the interval metric δ² = (c − k)², over videos with at least
//   two votes (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): α = 1 − D_o/D_e.
import { studentTQuantile } from './student-t';

export interface Rating {
  videoId: number;
  observer: string;
  rating: number;
}

export interface VideoMosStats {
  videoId: number;
  n: number;
  mean: number;
  sd: number | null;
  ci95: [number, number] | null;
}

function groupBy<K, V>(items: readonly V[], key: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function mosStats(videoId: number, votes: readonly number[]): VideoMosStats {
  const n = votes.length;
  const mean = votes.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { videoId, n, mean, sd: null, ci95: null };
  const sd = Math.sqrt(votes.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { videoId, n, mean, sd, ci95: [mean - half, mean + half] };
}

/** MOS statistics per video, ordered by video id. */
export function mosPerVideo(ratings: readonly Rating[]): VideoMosStats[] {
  const byVideo = groupBy(ratings, (r) => r.videoId);
  return [...byVideo.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, rs]) =>
      mosStats(
        id,
        rs.map((r) => r.rating),
      ),
    );
}

export interface ObserverScreening {
  observer: string;
  rated: number;
  p: number;
  q: number;
  rejected: boolean;
}

/** BT.500 β2 observer screening; videos with fewer than 2 votes carry no information and are skipped. */
export function screenObservers(ratings: readonly Rating[]): ObserverScreening[] {
  const byVideo = groupBy(ratings, (r) => r.videoId);
  const tally = new Map<string, ObserverScreening>();
  const entry = (o: string) => {
    let e = tally.get(o);
    if (!e) tally.set(o, (e = { observer: o, rated: 0, p: 0, q: 0, rejected: false }));
    return e;
  };
  for (const votes of byVideo.values()) {
    for (const r of votes) entry(r.observer).rated++;
    const n = votes.length;
    if (n < 2) continue;
    const mean = votes.reduce((s, r) => s + r.rating, 0) / n;
    const dev = votes.map((r) => r.rating - mean);
    const m2 = dev.reduce((s, d) => s + d * d, 0) / n;
    const m4 = dev.reduce((s, d) => s + d ** 4, 0) / n;
    const sd = Math.sqrt((m2 * n) / (n - 1));
    if (sd === 0) continue;
    const beta2 = m4 / (m2 * m2);
    const k = beta2 >= 2 && beta2 <= 4 ? 2 : Math.sqrt(20);
    for (const r of votes) {
      if (r.rating >= mean + k * sd) entry(r.observer).p++;
      if (r.rating <= mean - k * sd) entry(r.observer).q++;
    }
  }
  const out = [...tally.values()].sort((a, b) => a.observer.localeCompare(b.observer));
  for (const o of out) {
    const pq = o.p + o.q;
    o.rejected = o.rated > 0 && pq / o.rated > 0.05 && pq > 0 && Math.abs((o.p - o.q) / pq) < 0.3;
  }
  return out;
}

/** Krippendorff's alpha, interval metric; null when undefined (fewer than 2 pairable values, no variation). */
export function krippendorffAlphaInterval(ratings: readonly Rating[]): number | null {
  const units = [...groupBy(ratings, (r) => r.videoId).values()]
    .map((rs) => rs.map((r) => r.rating))
    .filter((u) => u.length >= 2);
  const all = units.flat();
  const n = all.length;
  if (n < 2) return null;
  let dObserved = 0;
  for (const u of units) {
    let s = 0;
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) s += (u[i]! - u[j]!) ** 2;
    dObserved += s / (u.length - 1);
  }
  dObserved /= n;
  // Σ_{c,k} (c − k)² over all ordered pairs = 2n·Σ(v − v̄)²
  const m = all.reduce((s, v) => s + v, 0) / n;
  const dExpected = (2 * n * all.reduce((s, v) => s + (v - m) ** 2, 0)) / (n * (n - 1));
  if (dExpected === 0) return null;
  return 1 - dObserved / dExpected;
}
