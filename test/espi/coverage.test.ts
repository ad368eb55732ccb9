import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage } from '../../src/espi/coverage';

/** The naive model: a set of covered seconds. */
function modelAdd(covered: Set<number>, start: number, end: number): boolean {
  for (let s = start; s < end; s++) if (covered.has(s)) return false;
  for (let s = start; s < end; s++) covered.add(s);
  return true;
}

test('Coverage agrees with a set of covered seconds for random ranges in random order', () => {
  let x = 12345;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  for (let round = 0; round < 50; round++) {
    const coverage = new Coverage();
    const model = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const start = rand(500);
      const end = start + 1 + rand(6);
      assert.equal(coverage.add(start, end), modelAdd(model, start, end), `round ${round}, add [${start}, ${end})`);
    }
  }
});

test('Coverage merges touching ranges in either direction and keeps gaps apart', () => {
  const up = new Coverage();
  for (let s = 0; s < 1000; s += 10) assert.ok(up.add(s, s + 10));
  assert.equal(up.rangeCount, 1);
  const down = new Coverage();
  for (let s = 1000; s > 0; s -= 10) assert.ok(down.add(s - 10, s));
  assert.equal(down.rangeCount, 1);
  const gaps = new Coverage();
  for (let s = 0; s < 1000; s += 20) assert.ok(gaps.add(s, s + 10));
  assert.equal(gaps.rangeCount, 50);
  assert.equal(gaps.add(15, 21), false, 'overlaps the range at 20');
  assert.equal(gaps.add(19, 20), true, 'fits the gap');
});

test('Coverage.addRanges refuses ranges with any overlap and merges nothing then', () => {
  const a = new Coverage();
  a.add(0, 10);
  a.add(20, 30);
  const b = new Coverage();
  b.add(40, 50);
  b.add(25, 26);
  assert.equal(a.addRanges(b.flat()), false);
  assert.ok(a.add(40, 50), 'nothing of b was merged');
  const c = new Coverage();
  c.add(10, 20);
  c.add(60, 70);
  assert.ok(a.addRanges(c.flat()));
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    [0, 20, 20, 30, 40, 50, 60, 70],
  );
  assert.equal(a.add(15, 16), false);
});
