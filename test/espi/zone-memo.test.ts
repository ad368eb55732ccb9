import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ianaZone } from '../../src/espi';
import { memoisedZone } from '../../src/espi/zone-memo';

test('a memoised zone answers as the zone itself, also where offsets change in the middle of a UTC hour', () => {
  // Lord Howe moves by 30 minutes at 02:00 local (15:30 and 15:00 UTC); Kathmandu is 5:45 ahead; Los Angeles for the
  // US rules. Every 5 minutes of 2022, read in a shuffled order so no hour is first asked at its start.
  for (const name of ['Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Los_Angeles']) {
    const zone = ianaZone(name);
    const memo = memoisedZone(zone);
    const start = Date.UTC(2022, 0, 1) / 1000;
    const instants = Array.from(
      { length: (365 * 86400) / 300 },
      (_, i) => start + ((i * 7919) % ((365 * 86400) / 300)) * 300 + 17,
    );
    const differing = instants.filter((t) => memo.offsetAt(t) !== zone.offsetAt(t));
    assert.deepEqual(differing, [], name);
  }
});
