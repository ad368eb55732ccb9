import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactSum, formatScaled } from '../../src/services/usage/decimal';
import { PackedRows } from '../../src/services/usage/packed-rows';

// The pieces a usage answer's figures go through: rollup rows packed by PostgreSQL, read field by field, summed
// exactly. Compared with bigint arithmetic on the same digits, including sums past 2^53 and fields a float64 cannot
// hold.

const bigSum = (terms: string[]) => terms.reduce((sum, term) => sum + BigInt(term), 0n);

describe('exact sums of packed rollup rows', () => {
  it('reads integers, negatives, empty fields and a missing last field (a null cost) row by row', () => {
    const rows = new PackedRows('19723,1500,96,0,-42;19724,-7,92,3;-1,0,0,0,');
    const read: (number | null)[][] = [];
    while (rows.nextRow()) read.push([rows.next(), rows.next(), rows.next(), rows.next(), rows.next()]);
    assert.deepEqual(read, [
      [19723, 1500, 96, 0, -42],
      [19724, -7, 92, 3, null],
      [-1, 0, 0, 0, null],
    ]);
    assert.equal(new PackedRows('').nextRow(), false);
  });

  it('hands over the exact digits of a field a float64 cannot hold', () => {
    const rows = new PackedRows('1,123456789012345678901,9007199254740993,-9007199254740993,9007199254740991');
    assert.ok(rows.nextRow());
    assert.equal(rows.next(), 1);
    const sums = [new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum()];
    for (const sum of sums) sum.addInteger(rows.next() as number, rows.digits);
    assert.deepEqual(
      sums.map((s) => s.format(0)),
      ['123456789012345678901', '9007199254740993', '-9007199254740993', '9007199254740991'],
    );
  });

  it('sums exactly past 2^53, from text and from packed fields, and merges', () => {
    const terms = Array.from({ length: 400 }, (_, i) =>
      String((BigInt(i) * 99_999_999_999_999n - 7n) * (i % 3 === 0 ? -1n : 1n)),
    );
    const fromText = new ExactSum();
    for (const term of terms) fromText.add(term);
    const packed = new PackedRows(terms.join(';'));
    const fromPacked = new ExactSum();
    while (packed.nextRow()) fromPacked.addInteger(packed.next() as number, packed.digits);
    const expected = bigSum(terms);
    assert.equal(fromText.format(0), String(expected));
    assert.equal(fromPacked.format(0), String(expected));
    const merged = new ExactSum();
    merged.merge(fromText);
    merged.merge(fromPacked);
    assert.equal(merged.format(-3), formatScaled(expected * 2n, -3));
  });

  it('formats a float64 sum exactly as the same bigint', () => {
    for (const raw of [
      0n,
      1n,
      -1n,
      10n,
      12_345n,
      -12_345n,
      100_000n,
      9_007_199_254_740_991n,
      -9_007_199_254_740_991n,
    ]) {
      for (const exponent of [-5, -3, -1, 0, 2])
        assert.equal(formatScaled(Number(raw), exponent), formatScaled(raw, exponent), `${raw}e${exponent}`);
    }
    assert.equal(formatScaled(-1_230n, -5), '-0.0123');
    assert.equal(formatScaled(1_200n, -3), '1.2');
    assert.equal(formatScaled(5n, 2), '500');
  });
});
