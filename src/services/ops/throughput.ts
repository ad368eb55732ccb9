// BullMQ keeps, per queue and kind (completed, failed), a cumulative count and per-minute points, newest first. A
// point is written when the first job of a later minute finishes, so the points stop at the minute before the newest
// recorded finish (the anchor), and the jobs of the anchor minute itself are only in the cumulative count.

/** One kind's per-minute series, anchored in time. */
export interface MinuteSeries {
  /** Per-minute counts, newest first: point i counts the minute `anchorMinute - 1 - i`. */
  points: number[];
  /** The minute (epoch ms / 60 000) of the newest recorded finish. */
  anchorMinute: number;
  /** Jobs finished in the anchor minute. */
  inAnchorMinute: number;
}

export const minuteOf = (epochMs: number) => Math.floor(epochMs / 60_000);

/** Jobs finished in the last `minutes` minutes up to and including the current one. */
export function finishedWithin(series: MinuteSeries | undefined, nowMs: number, minutes: number): number {
  if (!series) return 0;
  const oldest = minuteOf(nowMs) - minutes + 1;
  let total = series.anchorMinute >= oldest ? series.inAnchorMinute : 0;
  for (let i = 0; i < series.points.length && series.anchorMinute - 1 - i >= oldest; i++) total += series.points[i];
  return total;
}

/** Failed share of the finished jobs, or null when none finished. */
export function failureRate(completed: number, failed: number): number | null {
  return completed + failed === 0 ? null : failed / (completed + failed);
}
