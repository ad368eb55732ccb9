import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { qualityMask } from '../../entities';
import { COST_EXPONENT, formatScaled } from '../usage/decimal';
import { currencyOf, flowDirectionOf, qualitiesOf, unitOf, valueExponent } from '../usage/reading-codes';
import { DEFAULT_EXPORT_BASE_URL, usagePointRecord, type ExportStats, type UsageExportRequest } from './espi-feed';
import { readingPages, seriesRows, useZone, usagePointRows } from './queries';
import { withSnapshot } from './snapshot';
import { BufferedText } from './writable';

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (...fields: string[]) => `${fields.map(quote).join(',')}\r\n`;

const FLOW_TITLE = { DELIVERED: 'Energy Delivered', RECEIVED: 'Energy Received', NET: 'Net Energy' } as const;

/**
 * Green Button CSV in the common utility download layout: a few header lines per usage point, then one section per
 * series (flow direction: delivered, received, net), each with the columns local date, start, end, usage, unit,
 * cost, quality. Start and end are local ISO times with their UTC offset, so the two 01:00 hours of a fall-back night
 * stay apart; usage is the exact decimal in the unit shown (kWh, therm, m³), cost in the currency. Streams like the
 * XML export (keyset pages in one snapshot, waiting on backpressure).
 */
export async function writeGreenButtonCsv(
  db: DataSource,
  request: UsageExportRequest,
  out: Writable,
): Promise<ExportStats> {
  const baseUrl = request.baseUrl ?? DEFAULT_EXPORT_BASE_URL;
  const text = new BufferedText(out);
  const stats: ExportStats = { usagePoints: 0, meterReadings: 0, intervalBlocks: 0, readings: 0, summaries: 0 };
  await withSnapshot(db, async (client) => {
    for (const up of await usagePointRows(client, request.usagePointIds, request.scope)) {
      await useZone(client, up.timeZone);
      const record = usagePointRecord(up, baseUrl);
      if (stats.usagePoints++ > 0) await text.push('\r\n');
      await text.push(
        line('Name', up.name ?? '') +
          line('Usage point', record.self ?? up.externalId) +
          line('Time zone', up.timeZone) +
          line('Period', request.from?.toISOString() ?? '', request.to?.toISOString() ?? ''),
      );
      for (const series of await seriesRows(client, up.id, request.meterReadingId)) {
        const rt = series.readingType;
        const flow = flowDirectionOf(rt.flowDirection ?? null);
        const unit = unitOf(rt.uom ?? null).symbol;
        const exponent = valueExponent(rt.uom ?? null, rt.powerOfTenMultiplier ?? null);
        const currency = currencyOf(rt.currency ?? null);
        stats.meterReadings++;
        await text.push(
          '\r\n' +
            line(
              flow ? FLOW_TITLE[flow] : `Flow direction ${rt.flowDirection}`,
              ...(rt.intervalLength ? [`${rt.intervalLength} s intervals`] : []),
              ...(currency ? [`cost in ${currency}`] : []),
            ) +
            line('Date', 'Start', 'End', 'Usage', 'Unit', 'Cost', 'Quality'),
        );
        for await (const page of readingPages(client, up.id, series.id, request, true, request.pageRows)) {
          let rows = '';
          for (const r of page) {
            const quality = r.qualities ? qualitiesOf(qualityMask(r.qualities)).join(';') : '';
            const cost = r.cost === undefined ? '' : formatScaled(BigInt(r.cost), COST_EXPONENT);
            rows += line(
              r.day,
              r.localStart as string,
              r.localEnd as string,
              formatScaled(BigInt(r.value as number), exponent),
              unit,
              cost,
              quality,
            );
          }
          stats.readings += page.length;
          await text.push(rows);
        }
      }
    }
  });
  await text.flush();
  return stats;
}
