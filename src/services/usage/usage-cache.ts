import type { SeriesRecord } from '../customers/directory';
import type { UsageSeries } from './usage.service';

/** What a cache entry keeps of a series: everything but the usage point record, which each request reads itself. */
export type CachedSeries = Omit<UsageSeries, 'series'> & { series: SeriesRecord };

export interface UsageCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

// Rough heap size of a bucket (object, two Dates, two short decimal strings) and of the rest of a series.
const BYTES_PER_BUCKET = 240;
const BYTES_PER_SERIES = 1024;

/**
 * Computed usage series of one API process, least recently used evicted first past `maxBytes` (an estimate of the
 * heap they hold). Keys carry the usage point's data version, which the loader bumps in the transaction that writes
 * its readings and rollups: a process that reads the current version can only find answers computed after that
 * write, whichever process loaded the data. Authorization is not the cache's business: callers look up only after
 * the request's scope has returned the usage point (with its version), and the key names the usage point.
 */
export class UsageCache {
  private readonly entries = new Map<string, { value: CachedSeries; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): CachedSeries | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // Map order is insertion order: re-inserting makes the entry the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: CachedSeries): void {
    const bytes = BYTES_PER_SERIES + BYTES_PER_BUCKET * value.buckets.length;
    if (bytes > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  stats(): UsageCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes };
  }
}
