// Import progress: counts, the file being read, an ETA from recent throughput, at most one event
// per interval.
import { initialImportProgress, type ImportProgress } from '../../../src-shared/contract';
import { throttle } from '../util/throttle';

const PROGRESS_INTERVAL_MS = 100;
const ETA_WINDOW = 32;

/** Emits at most one progress event per PROGRESS_INTERVAL_MS (a trailing one keeps "current" fresh). */
export class ProgressReporter {
  readonly state: ImportProgress;
  private readonly gate = throttle(PROGRESS_INTERVAL_MS);
  private completions: number[] = [];

  constructor(
    jobId: string,
    private readonly listener: ((p: ImportProgress) => void) | undefined,
  ) {
    this.state = initialImportProgress(jobId);
  }

  /** Record one finished file: throughput over the last ETA_WINDOW completions drives the ETA. */
  complete(kind: 'added' | 'failed' | 'skipped'): void {
    this.state[kind] += 1;
    this.state.done += 1;
    this.completions.push(performance.now());
    if (this.completions.length > ETA_WINDOW) this.completions.shift();
    this.update();
  }

  private eta(): number | null {
    const c = this.completions;
    const first = c[0];
    const last = c[c.length - 1];
    if (c.length < 2 || first === undefined || last === undefined || last <= first) return null;
    const perSec = (c.length - 1) / ((last - first) / 1000);
    return (this.state.total - this.state.done) / perSec;
  }

  update(force = false): void {
    if (!this.listener) return;
    if (!this.gate.passOrLater(() => this.update(), force)) return;
    this.state.etaSec = this.state.phase === 'done' ? 0 : this.eta();
    this.listener({ ...this.state });
  }

  stop(): void {
    this.gate.cancel();
  }

  finish(): void {
    this.state.phase = 'done';
    this.state.current = null;
    this.update(true);
  }
}
