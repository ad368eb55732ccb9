import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ascii, XmlBytes } from '../../src/espi/xml-bytes';

test('XmlBytes writes every integer exactly as its decimal string, at every digit count and sign', () => {
  const samples = [0, 1, 9, 10, 11, 99, 100, 101, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 47 - 1, Number.MAX_SAFE_INTEGER];
  for (let p = 1; p < 16; p++) samples.push(10 ** p - 1, 10 ** p, 10 ** p + 7);
  for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 2 ** (1 + (i % 53))));
  const bytes = new XmlBytes(16);
  let expected = '';
  for (const n of samples) {
    for (const v of n === 0 ? [0] : [n, -n]) {
      bytes.reserve(20);
      bytes.int(v);
      bytes.raw(ascii(','));
      expected += `${v},`;
    }
  }
  assert.equal(bytes.take().toString('latin1'), expected);
});

test('XmlBytes grows past its first size and keeps UTF-8 text intact; take() starts afresh', () => {
  const bytes = new XmlBytes(8);
  bytes.text('Zoë → ');
  bytes.reserve(1000);
  for (let i = 0; i < 100; i++) bytes.raw(ascii('<a/>'));
  assert.equal(bytes.take().toString('utf8'), `Zoë → ${'<a/>'.repeat(100)}`);
  assert.equal(bytes.length, 0);
  bytes.text('x');
  assert.equal(bytes.take().toString('utf8'), 'x');
});
