import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectCimMessage, readCimMessage } from '../../src/cim';

const QUARTER = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';

function event(meterReadings: string): string {
  return `<EventMessage xmlns="http://iec.ch/TC57/2011/schema/message"><Header><Verb>created</Verb><Noun>MeterReadings</Noun></Header>
<Payload><m:MeterReadings xmlns:m="http://iec.ch/TC57/2011/MeterReadings#">${meterReadings}</m:MeterReadings></Payload></EventMessage>`;
}
const reading = (timeStamp: string, value?: string, extra = '') =>
  `\n<m:IntervalReadings><m:timeStamp>${timeStamp}</m:timeStamp>${value === undefined ? '' : `<m:value>${value}</m:value>`}${extra}</m:IntervalReadings>`;
const block = (ref: string | undefined, ...readings: string[]) =>
  `<m:IntervalBlocks>${readings.join('')}${ref ? `<m:ReadingType ref="${ref}"/>` : ''}</m:IntervalBlocks>`;
const meterReading = (...blocks: string[]) =>
  `<m:MeterReading>${blocks.join('')}<m:UsagePoint><m:mRID>up-1</m:mRID></m:UsagePoint></m:MeterReading>`;

test('received readings are checked one by one: bad ones are reported with their line and left out, the rest load', async () => {
  const xml = event(
    meterReading(
      block(
        QUARTER,
        reading('2024-03-01T00:15:00+01:00', '0.25'),
        reading('2024-03-01T00:30:00', '0.25'),
        reading('2024-03-01T00:45:00.5+01:00', '0.25'),
        reading('2024-03-01T01:00:00+01:00', '0.0001'),
        reading('2024-03-01T01:15:00+01:00', 'n/a'),
        reading('2024-03-01T01:30:00+01:00', '1e20'),
        reading('2024-03-01T00:15:00+01:00', '0.5'),
        '<m:IntervalReadings><m:value>1</m:value></m:IntervalReadings>',
        reading(
          '2024-03-01T02:00:00+01:00',
          '1',
          '<m:timePeriod><m:end>2024-03-01T02:00:00+01:00</m:end><m:start>2024-03-01T01:00:00+01:00</m:start></m:timePeriod>',
        ),
        reading(
          '2024-03-01T03:00:00+01:00',
          '1',
          '<m:timePeriod><m:end>2024-03-01T03:00:00+01:00</m:end><m:start>soon</m:start></m:timePeriod>',
        ),
      ),
      block(undefined, reading('2024-03-01T00:15:00+01:00', '1')),
      block('1.2.3', reading('2024-03-01T00:15:00+01:00', '1')),
      block(
        '0.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0',
        reading('2024-03-01T00:15:00+01:00', '1'),
        reading('2024-03-01T00:30:00+01:00', '1'),
      ),
      `<m:IntervalBlocks>${reading('2024-03-01T00:15:00+01:00', '1')}<m:PendingCalculation><m:scalarNumerator>2</m:scalarNumerator><m:ReadingType ref="${QUARTER}"/></m:PendingCalculation><m:ReadingType ref="${QUARTER}"/></m:IntervalBlocks>`,
      '<m:Vendor>x</m:Vendor>',
    ) + `<m:MeterReading>${block(QUARTER, reading('2024-03-01T00:15:00+01:00', '1'))}</m:MeterReading>`,
  );
  const { summary, meterReadings, readings } = await collectCimMessage(readCimMessage([xml]));
  const found = summary.diagnostics.map((d) => `${d.severity} ${d.code} line ${d.line}`);
  assert.deepEqual(found, [
    'error reading-time-no-offset line 4',
    'error reading-fractional-time line 5',
    'error value-too-precise line 6',
    'error reading-bad-number line 7',
    'error value-out-of-range line 8',
    'error reading-duplicate-timestamp line 9',
    'error reading-no-timestamp line 9',
    'error reading-bad-time line 11',
    'error reading-type-missing line 11',
    'error reading-type-invalid line 12',
    'error interval-period-unknown line 14',
    'error pending-calculation-unsupported line 15',
    'warning unknown-element line 16',
    'error meter-reading-unreferenced line 16',
  ]);
  assert.equal(summary.counts.rejectedReadings, 8 + 1 + 1 + 2 + 1 + 1);
  const [first, unreferenced] = meterReadings;
  assert.deepEqual(
    first.blocks.map((b) => b.readingCount),
    [2, 0],
    'the good block keeps 2 readings; the period-less block is kept empty; the others are rejected',
  );
  assert.deepEqual(
    (readings.get(first.blocks[0].ordinal) ?? []).map((r) => [r.start, r.duration, r.value]),
    [
      [Date.UTC(2024, 1, 29, 23, 0) / 1000, 900, 250],
      [Date.UTC(2024, 2, 1, 0, 0) / 1000, 3600, 1000],
    ],
  );
  assert.deepEqual(unreferenced.blocks, []);
  assert.equal(readings.size, 2, 'readings of rejected or unreferenced blocks are dropped');
});

test('a bare message, a SOAP 1.1 one and a SOAP 1.2 one read alike, whatever the prefixes', async () => {
  const bare = event(meterReading(block(QUARTER, reading('2024-03-01T00:15:00Z', '1'))));
  const soap11 = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header><x:Security xmlns:x="urn:x"/></S:Header><S:Body>${bare}</S:Body></S:Envelope>`;
  const soap12 = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${bare.replace(/(<\/?)m:/g, '$1mr:').replace('xmlns:m=', 'xmlns:mr=')}</env:Body></env:Envelope>`;
  const results = [];
  for (const xml of [bare, soap11, soap12]) {
    const { summary, readings } = await collectCimMessage(readCimMessage([xml]));
    assert.deepEqual(summary.diagnostics, []);
    results.push({ soap: summary.envelope.soap, readings: readings.get(0)?.map((r) => [r.start, r.value]) });
  }
  assert.deepEqual(results, [
    { soap: undefined, readings: [[Date.UTC(2024, 2, 1, 0, 0) / 1000, 1000]] },
    { soap: '1.1', readings: [[Date.UTC(2024, 2, 1, 0, 0) / 1000, 1000]] },
    { soap: '1.2', readings: [[Date.UTC(2024, 2, 1, 0, 0) / 1000, 1000]] },
  ]);
});

test('reading the same message twice yields the same records, so a duplicate push maps onto the same keys', async () => {
  const xml = event(
    meterReading(block(QUARTER, reading('2024-03-01T00:15:00Z', '1'), reading('2024-03-01T00:30:00Z', '2'))),
  );
  const once = await collectCimMessage(readCimMessage([xml]));
  const twice = await collectCimMessage(readCimMessage([xml]));
  assert.deepEqual(twice, once);
});
