import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a synthetic ESPI usage feed shaped like a data custodian's batch export: per usage point an LTP, a
 * MeterReading, a ReadingType and one IntervalBlock entry per day of 96 quarter-hour readings with cost,
 * indented as real files are.
 */
export async function generateEspiFeed(
  path: string,
  totalReadings: number,
  readingsPerUsagePoint: number,
): Promise<void> {
  const usagePoints = Math.ceil(totalReadings / readingsPerUsagePoint);
  const out = createWriteStream(path);
  let buf = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <id>urn:uuid:bench</id>\n  <title>bench</title>\n  <updated>2024-01-01T00:00:00Z</updated>\n`;
  const flush = async (force: boolean) => {
    if (buf.length < 1 << 20 && !force) return;
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  const entry = (self: string, up: string, related: string[], content: string) =>
    `  <entry>\n    <id>urn:uuid:${self}</id>\n    <link rel="self" href="${self}"/>\n    <link rel="up" href="${up}"/>\n${related
      .map((r) => `    <link rel="related" href="${r}"/>\n`)
      .join(
        '',
      )}    <title>${self.split('/').slice(-2).join(' ')}</title>\n    <content>\n${content}    </content>\n    <updated>2024-01-01T00:00:00Z</updated>\n  </entry>\n`;
  buf += entry(
    '/LocalTimeParameters/1',
    '/LocalTimeParameters',
    [],
    '      <LocalTimeParameters xmlns="http://naesb.org/espi">\n        <dstEndRule>B40E2000</dstEndRule>\n        <dstOffset>3600</dstOffset>\n        <dstStartRule>360E2000</dstStartRule>\n        <tzOffset>-18000</tzOffset>\n      </LocalTimeParameters>\n',
  );
  buf += entry(
    '/ReadingType/1',
    '/ReadingType',
    [],
    '      <ReadingType xmlns="http://naesb.org/espi">\n        <accumulationBehaviour>4</accumulationBehaviour>\n        <commodity>1</commodity>\n        <currency>840</currency>\n        <flowDirection>1</flowDirection>\n        <intervalLength>900</intervalLength>\n        <kind>12</kind>\n        <powerOfTenMultiplier>0</powerOfTenMultiplier>\n        <uom>72</uom>\n      </ReadingType>\n',
  );
  for (let u = 0; u < usagePoints; u++) {
    const up = `/RetailCustomer/${u}/UsagePoint/1`;
    const mr = `${up}/MeterReading/1`;
    buf += entry(
      up,
      `/RetailCustomer/${u}/UsagePoint`,
      [`${up}/MeterReading`, '/LocalTimeParameters/1'],
      '      <UsagePoint xmlns="http://naesb.org/espi">\n        <ServiceCategory>\n          <kind>0</kind>\n        </ServiceCategory>\n      </UsagePoint>\n',
    );
    buf += entry(
      mr,
      `${up}/MeterReading`,
      [`${mr}/IntervalBlock`, '/ReadingType/1'],
      '      <MeterReading xmlns="http://naesb.org/espi"/>\n',
    );
    const count = Math.min(readingsPerUsagePoint, totalReadings - u * readingsPerUsagePoint);
    let start = 1704085200;
    for (let n = 0, day = 0; n < count; day++) {
      const readings: string[] = [];
      const dayStart = start;
      for (let i = 0; i < 96 && n < count; i++, n++, start += 900) {
        const value = 200 + ((n * 7919 + u * 104729) % 1800);
        readings.push(
          `        <IntervalReading>\n          <cost>${value * 13}</cost>\n          <timePeriod>\n            <duration>900</duration>\n            <start>${start}</start>\n          </timePeriod>\n          <value>${value}</value>\n        </IntervalReading>\n`,
        );
      }
      buf += entry(
        `${mr}/IntervalBlock/${day}`,
        `${mr}/IntervalBlock`,
        [],
        `      <IntervalBlock xmlns="http://naesb.org/espi">\n        <interval>\n          <duration>${start - dayStart}</duration>\n          <start>${dayStart}</start>\n        </interval>\n${readings.join('')}      </IntervalBlock>\n`,
      );
      await flush(false);
    }
  }
  buf += '</feed>\n';
  await flush(true);
  out.end();
  await once(out, 'finish');
}
