import { idOf } from '../access/global-id';
import type { Directory } from '../customers/directory';
import type { SeriesRecord } from '../customers/directory';
import type { UsagePointRecord } from '../customers/records';
import { flowDirectionOf, type FlowDirection } from './reading-codes';

export interface ChosenSeries extends SeriesRecord {
  usagePoint: UsagePointRecord;
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
  const wanted = meterReadingGlobalId == null ? null : idOf(meterReadingGlobalId, 'MeterReading');
  const candidates = (await directory.seriesOf(usagePointId))
    .filter(({ meterReading, readingType }) =>
      wanted !== null ? meterReading.id === wanted : flowDirectionOf(readingType.flowDirection) === direction,
    )
    .map((series) => ({ usagePoint, ...series }));
  const length = (c: ChosenSeries) => c.readingType.intervalLength ?? Number.MAX_SAFE_INTEGER;
  candidates.sort((a, b) => length(a) - length(b) || Number(BigInt(a.meterReading.id) - BigInt(b.meterReading.id)));
  return candidates[0] ?? null;
}
