import { createReadStream } from 'node:fs';
import { CimReaderOptions, readCimMessage } from './message-reader';
import { CimEvent, CimIntervalReading, CimMeterReading, CimSummary } from './records';

export function readCimFile(path: string, options: CimReaderOptions = {}): AsyncGenerator<CimEvent> {
  return readCimMessage(createReadStream(path, { highWaterMark: 256 * 1024 }), options);
}

export interface CollectedMessage {
  summary: CimSummary;
  meterReadings: CimMeterReading[];
  /** Accepted readings by block ordinal; only blocks listed in a MeterReading count. */
  readings: Map<number, CimIntervalReading[]>;
}

/**
 * A whole message in memory: for tests, replies and small pushes. The loader streams `readCimMessage` instead,
 * staging readings by block ordinal and keeping the blocks its `meterReading` events list.
 */
export async function collectCimMessage(events: AsyncIterable<CimEvent>): Promise<CollectedMessage> {
  const meterReadings: CimMeterReading[] = [];
  const readings = new Map<number, CimIntervalReading[]>();
  for await (const ev of events) {
    if (ev.type === 'readings') readings.set(ev.block.ordinal, ev.readings);
    else if (ev.type === 'meterReading') meterReadings.push(ev.meterReading);
    else if (ev.type === 'end') {
      const kept = new Set(meterReadings.flatMap((mr) => mr.blocks.map((b) => b.ordinal)));
      for (const ordinal of readings.keys()) if (!kept.has(ordinal)) readings.delete(ordinal);
      return { summary: ev.summary, meterReadings, readings };
    }
  }
  throw new Error('the CIM reader ended without its summary');
}
