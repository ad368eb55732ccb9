import type { ImportFileOptions, ImportProgress } from './types';

const PROGRESS_INTERVAL_MS = 250;

/** Reports progress at most every PROGRESS_INTERVAL_MS, unless forced (a phase change). */
export function progressReporter(
  onProgress: ImportFileOptions['onProgress'],
  progress: ImportProgress,
): (force?: boolean) => void {
  let lastReport = 0;
  return (force = false) => {
    if (!onProgress || (!force && Date.now() - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = Date.now();
    onProgress({ ...progress });
  };
}

/** The milliseconds of a load's steps (ImportResult.timings): each lap from the end of the one before. */
export class StepTimings {
  readonly byStep: Record<string, number> = {};
  private mark: number;

  constructor(readonly started: number) {
    this.mark = started;
  }

  lap(step: string): void {
    const now = Date.now();
    this.byStep[step] = now - this.mark;
    this.mark = now;
  }

  /** A step that ran beside the others (the checksum): its time since the load started. */
  sinceStart(step: string): void {
    this.byStep[step] = Date.now() - this.started;
  }
}
