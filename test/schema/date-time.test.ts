import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoString } from '../../src/schema/date-time.scalar';

describe('DateTime serialization', () => {
  it('writes what Date#toISOString writes, for any instant', () => {
    const yearZero = Date.UTC(2000, 0, 1) - 730_485 * 86_400_000;
    const edges = [
      0,
      -1,
      1,
      yearZero,
      yearZero - 1,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      8.64e15,
      -8.64e15,
    ];
    const spread = Array.from({ length: 20_000 }, (_, i) =>
      Math.round((i / 20_000 - 0.5) * 2 * 8.64e15 * Math.random()),
    );
    // Whole local days and quarter-hours around DST changes: what usage buckets carry.
    const days = Array.from({ length: 1_000 }, (_, i) => Date.UTC(2024, 2, 10, 7) + i * 900_000 + (i % 7) * 86_400_000);
    for (const ms of [...edges, ...spread, ...days])
      assert.equal(isoString(new Date(ms)), new Date(ms).toISOString(), String(ms));
  });
});
