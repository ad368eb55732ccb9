import { idOf } from '../access/global-id';
import type { Directory } from '../customers/directory';
import type { MeterReadingRecord, ReadingTypeRecord, UsagePointRecord } from '../customers/records';
import { flowDirectionOf, type FlowDirection } from './reading-codes';

export interface ChosenSeries {
  usagePoint: UsagePointRecord;
  meterReading: MeterReadingRecord;
  readingType: ReadingTypeRecord;
}

/**
 * The series a usage query reads: the named meter reading, or else the usage point's series in the requested
 * direction with the shortest interval. Directions are never derived from each other: a point with only a NET
 * series has no DELIVERED usage, and vice versa. Null when nothing visible matches.
 */
export async function chooseSeries(
  directory: Directory,
  usagePointId: string,
  direction: FlowDirection,
  meterReadingGlobalId?: string | null,
): Promise<ChosenSeries | null> {
  const usagePoint = await directory.usagePoint(usagePointId);
  if (!usagePoint) return null;
  const readings = await directory.allMeterReadingsOf(usagePointId);
  const types = await Promise.all(readings.map((reading) => directory.readingType(reading.readingTypeId)));
  const wanted = meterReadingGlobalId == null ? null : idOf(meterReadingGlobalId, 'MeterReading');
  const candidates: ChosenSeries[] = [];
  readings.forEach((meterReading, i) => {
    const readingType = types[i];
    if (!readingType) return;
    if (wanted !== null ? meterReading.id === wanted : flowDirectionOf(readingType.flowDirection) === direction) {
      candidates.push({ usagePoint, meterReading, readingType });
    }
  });
  const length = (c: ChosenSeries) => c.readingType.intervalLength ?? Number.MAX_SAFE_INTEGER;
  candidates.sort((a, b) => length(a) - length(b) || Number(BigInt(a.meterReading.id) - BigInt(b.meterReading.id)));
  return candidates[0] ?? null;
}
