import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInt48, scanInteger } from '../../src/espi/numbers';

test('scanInteger reads padded, signed integers and refuses everything else', () => {
  assert.equal(scanInteger(' \n\t900\r\n '), 900);
  assert.equal(scanInteger('+17'), 17);
  assert.equal(scanInteger('-140737488355328'), -(2 ** 47));
  assert.equal(scanInteger('9007199254740991'), Number.MAX_SAFE_INTEGER);
  for (const bad of ['', ' ', '-', '+', '1.5', '1e3', '12a', '0x10', '1 2', '١٢'])
    assert.ok(Number.isNaN(scanInteger(bad)), JSON.stringify(bad));
  assert.equal(isInt48(scanInteger('140737488355328')), false);
});
