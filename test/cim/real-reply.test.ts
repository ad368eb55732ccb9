import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { collectCimMessage, decodeReadingTypeMrid, encodeReadingTypeMrid, readCimFile } from '../../src/cim';
import { meterReadingsXsd, payloadOf, realReply, SHARED_MISSING, xmllintErrors } from './support';
import { XMLLINT_MISSING } from '../support/xmllint';

// Expected figures come from an independent Python ElementTree pass over the file (see test/fixtures/cim/README.md).

test('the Connexo reply to get MeterReadings loads with the right counts and values', async (t) => {
  const path = realReply();
  if (!path) return t.skip(SHARED_MISSING);
  const { summary, meterReadings, readings } = await collectCimMessage(readCimFile(path));
  assert.deepEqual(summary.envelope, {
    kind: 'response',
    rootName: 'MeterReadingsResponseMessage',
    soap: '1.1',
    header: { verb: 'reply', noun: 'MeterReadings' },
    reply: { result: 'OK' },
    payloadName: 'MeterReadings',
  });
  assert.deepEqual(summary.counts, {
    meterReadings: 2,
    blocks: 2,
    intervalReadings: 1164,
    registers: 2,
    rejectedReadings: 0,
  });
  assert.deepEqual(summary.diagnostics, []);
  assert.equal(summary.readingTypes.length, 3);
  assert.equal(summary.readingQualityTypes.length, 5);

  const [billing, information] = meterReadings;
  for (const mr of meterReadings) assert.equal(mr.usagePoint?.mRID, '74f84543-9dc8-4e76-a667-b8c83623cf95');
  assert.deepEqual(billing.usagePoint?.names, [
    { name: 'UP_010000010002', nameType: 'UsagePointName' },
    { name: 'Billing', nameType: 'Purpose' },
  ]);

  const daily = readings.get(billing.blocks[0].ordinal) ?? [];
  assert.equal(billing.blocks[0].readingTypeRef, '11.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0');
  assert.equal(daily.length, 12);
  // 2.147 kWh stamped 2017-07-02T00:00+03:00 is the day that began 2017-07-01T00:00+03:00.
  assert.deepEqual(daily[0], { start: 1498856400, duration: 86400, value: 2147, line: 15 });
  assert.equal(daily[11].start + daily[11].duration, 1499893200);
  assert.equal(daily[11].value, 3366);
  assert.equal(sum(daily), 42482);
  assert.equal(billing.blocks[0].readingType.powerOfTenMultiplier, 0, 'kWh with 3 decimals kept is Wh');
  assert.equal(billing.blocks[0].readingType.intervalLength, 86400);

  const quarterHours = readings.get(information.blocks[0].ordinal) ?? [];
  assert.equal(quarterHours.length, 1152);
  assert.equal(quarterHours[0].start, 1498856400, 'the first value, stamped 00:15, covers 00:00–00:15');
  assert.equal(quarterHours[0].value, 22);
  assert.equal(quarterHours[1151].start + quarterHours[1151].duration, 1499893200);
  assert.ok(
    quarterHours.every((r, i) => r.duration === 900 && (i === 0 || r.start === quarterHours[i - 1].start + 900)),
  );
  assert.equal(sum(quarterHours), 42238);
  assert.equal(Math.max(...quarterHours.map((r) => r.value ?? 0)), 745);
  assert.equal(quarterHours.filter((r) => r.cimQualities).length, 61);
  const refs = new Map<string, number>();
  for (const q of quarterHours.flatMap((r) => r.cimQualities ?? [])) refs.set(q, (refs.get(q) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(refs), { '3.5.258': 54, '3.6.4001': 54, '3.7.3': 6, '3.7.0': 1 });
  assert.equal(quarterHours.filter((r) => r.qualities?.includes(7)).length, 7, 'edited (category 7) maps to ESPI 7');

  assert.deepEqual(
    information.registers.map((r) => [r.timeStamp, r.value, r.cimQualities]),
    [
      [1499288400, 202000, ['3.7.1']],
      [1499461200, undefined, ['3.7.3']],
    ],
  );
});

test('every ReadingType of the real reply: mRID → fields → mRID, and the fields agree with its labels', async (t) => {
  const path = realReply();
  if (!path) return t.skip(SHARED_MISSING);
  const { summary } = await collectCimMessage(readCimFile(path));
  const labelCodes: Record<string, Record<string, number>> = {
    accumulationBehaviour: { 'Bulk quantity': 1, 'Delta data': 4 },
    timeAttribute: { 'Not applicable': 0, Daily: 11 },
    measuringPeriod: { 'Not applicable': 0, '15-minute': 2 },
    flowDirection: { Forward: 1 },
    kind: { Energy: 12 },
    powerOfTenMultiplier: { '*10^3': 3 },
    uom: { 'Watt hours': 72 },
    phase: { 'Phase-NotApplicable': 0 },
    commodity: { 'Electricity secondary metered': 1 },
  };
  const labelOf: Record<string, string> = {
    accumulationBehaviour: 'accumulation',
    timeAttribute: 'macroPeriod',
    measuringPeriod: 'measuringPeriod',
    flowDirection: 'flowDirection',
    kind: 'measurementKind',
    powerOfTenMultiplier: 'multiplier',
    uom: 'unit',
    phase: 'phases',
    commodity: 'commodity',
  };
  assert.equal(summary.readingTypes.length, 3);
  for (const rt of summary.readingTypes) {
    const fields = decodeReadingTypeMrid(rt.mRID);
    assert.ok(fields, rt.mRID);
    assert.equal(encodeReadingTypeMrid(fields), rt.mRID);
    for (const [field, codes] of Object.entries(labelCodes)) {
      const label = rt.labels[labelOf[field]];
      assert.equal(
        (fields as Record<string, unknown>)[field],
        codes[label],
        `${rt.mRID}: ${labelOf[field]} "${label}"`,
      );
    }
    for (const field of ['tou', 'cpp', 'consumptionTier'] as const)
      assert.equal(fields[field], Number(rt.labels[field]));
  }
});

test('the real reply fails strict validation only for ReadingQualityType/Names, as its README says', (t) => {
  if (XMLLINT_MISSING) return t.skip(XMLLINT_MISSING);
  const path = realReply();
  if (!path) return t.skip(SHARED_MISSING);
  const errors = xmllintErrors(payloadWithNamespace(readFileSync(path, 'utf8')), meterReadingsXsd)
    .split('\n')
    .filter((l) => /error/.test(l));
  assert.equal(errors.length, 5);
  for (const e of errors) assert.match(e, /ReadingQualityType.*Names/);
});

/** The sample declares its payload namespace on the message element; give the cut-out payload its own declaration. */
function payloadWithNamespace(xml: string): string {
  return payloadOf(xml).replace(
    '<ns4:MeterReadings>',
    '<ns4:MeterReadings xmlns:ns4="http://iec.ch/TC57/2011/MeterReadings#">',
  );
}

function sum(rs: { value?: number }[]): number {
  return rs.reduce((s, r) => s + (r.value ?? 0), 0);
}
