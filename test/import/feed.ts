import { writeFileSync } from 'node:fs';

export interface FeedSpec {
  /** Usage point numbers, in the order their entries appear. */
  usagePoints: number[];
  /** Epoch seconds of the first reading. */
  start: number;
  count: number;
  value: (usagePoint: number, n: number) => number;
  /** ESPI quality codes of reading n, if any. */
  qualities?: (usagePoint: number, n: number) => number[];
  /** Cost of reading n in 1/100000 of the currency, if any. */
  cost?: (usagePoint: number, n: number) => number;
}

// US Eastern LocalTimeParameters (the second Sunday of March to the first Sunday of November, at 2:00 local).
const LTP = `<LocalTimeParameters xmlns="http://naesb.org/espi"><dstEndRule>B40E2000</dstEndRule><dstOffset>3600</dstOffset>
  <dstStartRule>360E2000</dstStartRule><tzOffset>-18000</tzOffset></LocalTimeParameters>`;
const READING_TYPE = `<ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><commodity>1</commodity>
  <currency>840</currency><flowDirection>1</flowDirection><intervalLength>900</intervalLength><kind>12</kind>
  <powerOfTenMultiplier>0</powerOfTenMultiplier><uom>72</uom></ReadingType>`;

function entry(self: string, up: string, related: string[], content: string): string {
  const links = related.map((r) => `<link rel="related" href="${r}"/>`).join('');
  return `<entry><id>urn:x:${self}</id><link rel="self" href="${self}"/><link rel="up" href="${up}"/>${links}<content>${content}</content></entry>\n`;
}

/** A small ESPI usage feed of 15-minute readings in US Eastern time: one block per usage point. */
export function feedXml(spec: FeedSpec): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x:feed</id>\n`;
  xml += entry('/LocalTimeParameters/1', '/LocalTimeParameters', [], LTP);
  xml += entry('/ReadingType/1', '/ReadingType', [], READING_TYPE);
  for (const u of spec.usagePoints) {
    const up = `/RetailCustomer/${u}/UsagePoint/1`;
    const mr = `${up}/MeterReading/1`;
    xml += entry(
      up,
      `/RetailCustomer/${u}/UsagePoint`,
      [`${up}/MeterReading`, '/LocalTimeParameters/1'],
      '<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint>',
    );
    xml += entry(
      mr,
      `${up}/MeterReading`,
      [`${mr}/IntervalBlock`, '/ReadingType/1'],
      '<MeterReading xmlns="http://naesb.org/espi"/>',
    );
    let readings = '';
    for (let n = 0; n < spec.count; n++) {
      const quality = (spec.qualities?.(u, n) ?? [])
        .map((q) => `<ReadingQuality><quality>${q}</quality></ReadingQuality>`)
        .join('');
      const cost = spec.cost ? `<cost>${spec.cost(u, n)}</cost>` : '';
      readings += `<IntervalReading>${cost}${quality}<timePeriod><duration>900</duration><start>${spec.start + n * 900}</start></timePeriod><value>${spec.value(u, n)}</value></IntervalReading>\n`;
    }
    xml += entry(
      `${mr}/IntervalBlock/1`,
      `${mr}/IntervalBlock`,
      [],
      `<IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>${spec.count * 900}</duration><start>${spec.start}</start></interval>\n${readings}</IntervalBlock>`,
    );
  }
  return `${xml}</feed>\n`;
}

export function writeFeed(path: string, spec: FeedSpec): string {
  writeFileSync(path, feedXml(spec));
  return path;
}
