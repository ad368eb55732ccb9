import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureRate, finishedWithin, minuteOf } from '../../src/services/ops/throughput';

const NOW = Date.UTC(2026, 0, 1, 12, 30, 20);
const now = minuteOf(NOW);

describe('finishedWithin (BullMQ per-minute metrics in a window ending now)', () => {
  it('counts the anchor minute from the cumulative count and older minutes from the points', () => {
    // Newest finish in the current minute (3 jobs); points: 12:29 → 2, 12:28 → 0, 12:27 → 5, 12:26 → 7.
    const series = { anchorMinute: now, inAnchorMinute: 3, points: [2, 0, 5, 7] };
    assert.equal(finishedWithin(series, NOW, 1), 3);
    assert.equal(finishedWithin(series, NOW, 2), 5);
    assert.equal(finishedWithin(series, NOW, 4), 10);
    assert.equal(finishedWithin(series, NOW, 60), 17);
  });

  it('shifts the points by the minutes since the newest finish', () => {
    // The newest finish was 10 minutes ago: its minute and the points before it are older than a 10-minute window.
    const series = { anchorMinute: now - 10, inAnchorMinute: 4, points: [1, 1, 1] };
    assert.equal(finishedWithin(series, NOW, 10), 0);
    assert.equal(finishedWithin(series, NOW, 11), 4);
    assert.equal(finishedWithin(series, NOW, 13), 6);
    assert.equal(finishedWithin(undefined, NOW, 15), 0);
  });

  it('gives a failure rate only when something finished', () => {
    assert.equal(failureRate(0, 0), null);
    assert.equal(failureRate(3, 1), 0.25);
  });
});
