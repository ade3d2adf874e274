// Correlation statistics with the semantics of scipy.stats (1.10): Pearson (pearsonr), Spearman
// (spearmanr: Pearson of average ranks) and Kendall's tau-b (kendalltau default, tie-aware,
// Knight's O(n log n) algorithm as in scipy). Agreement with scipy to 1e-9 is checked by
// tests/unit/eval-stats.test.ts against tests/golden/eval/reference.json.

/** Pearson's r; NaN when either side is constant or n < 2 (scipy warns and returns nan). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: x has ${n} values, y has ${y.length}`);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  return Math.max(-1, Math.min(1, r));
}

/** Ranks 1..n, ties get the average of the ranks they span (scipy.stats.rankdata 'average'). */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]!] === v[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rho = Pearson of average ranks (scipy.stats.spearmanr). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Σ t(t−1)/2 over runs of equal values in an already sorted key sequence. */
function tiePairs(n: number, same: (i: number) => boolean): number {
  let total = 0;
  let run = 1;
  for (let i = 1; i < n; i++) {
    if (same(i)) run++;
    else {
      total += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return total + (run * (run - 1)) / 2;
}

/**
 * Kendall's tau-b (scipy.stats.kendalltau, variant 'b'):
 * (P − Q) / sqrt((n0 − n1)(n0 − n2)), n0 = n(n−1)/2, n1/n2 = pairs tied in x / in y.
 * NaN when all x or all y are equal.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`kendallTauB: x has ${n} values, y has ${y.length}`);
  if (n < 2) return NaN;
  // Sort by x, then y; count pairs tied in x and tied in both.
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x[idx[i]!]!;
    ys[i] = y[idx[i]!]!;
  }
  const xTies = tiePairs(n, (i) => xs[i] === xs[i - 1]);
  const bothTies = tiePairs(n, (i) => xs[i] === xs[i - 1] && ys[i] === ys[i - 1]);
  // Merge sort on y counts discordant pairs (strict inversions).
  const swaps = mergeSortCountInversions(ys);
  const yTies = tiePairs(n, (i) => ys[i] === ys[i - 1]);
  const tot = (n * (n - 1)) / 2;
  if (xTies === tot || yTies === tot) return NaN;
  const conMinusDis = tot - xTies - yTies + bothTies - 2 * swaps;
  const tau = conMinusDis / Math.sqrt(tot - xTies) / Math.sqrt(tot - yTies);
  return Math.max(-1, Math.min(1, tau));
}

/** Sorts `a` in place (ascending), returning the number of pairs i < j with a[i] > a[j]. */
function mergeSortCountInversions(a: Float64Array): number {
  const n = a.length;
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          inversions += mid - i;
          dst[k++] = src[j++]!;
        } else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return inversions;
}

export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Standard deviation with ddof (0 = population, 1 = sample). */
export function std(v: ArrayLike<number>, ddof = 0): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return Math.sqrt(s / (v.length - ddof));
}
