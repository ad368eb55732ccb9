import type { SeriesRecord } from '../customers/directory';
import { ByteBoundedLru } from '../byte-lru';
import type { UsageSeries } from './usage.service';

/** What a cache entry keeps of a series: everything but the usage point record, which each request reads itself. */
export type CachedSeries = Omit<UsageSeries, 'series'> & { series: SeriesRecord };

// Rough heap size of a bucket (object, two Dates, two short decimal strings) and of the rest of a series.
const BYTES_PER_BUCKET = 240;
const BYTES_PER_SERIES = 1024;

/**
 * Computed usage series of one API process, bounded by an estimate of the heap they hold. Keys carry the usage
 * point's data version, which the loader bumps in the transaction that writes its readings and rollups: a process
 * that reads the current version can only find answers computed after that write, whichever process loaded the data.
 * Authorization is not the cache's business: callers look up only after the request's scope has returned the usage
 * point (with its version), and the key names the usage point.
 */
export class UsageCache extends ByteBoundedLru<CachedSeries> {
  store(key: string, value: CachedSeries): void {
    this.set(key, value, BYTES_PER_SERIES + BYTES_PER_BUCKET * value.buckets.length);
  }
}
