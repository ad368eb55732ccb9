import DataLoader from 'dataloader';
import type { AccessScope } from '../access/access-scope';
import { isBigintKey } from '../access/global-id';
import { checkRange } from '../usage/usage-query';
import { keyset, toPage, type Keyset, type Page, type PageRequest } from '../pagination';
import { USAGE_SUMMARY_COLUMNS, type UsageSummaryRecord } from './records';

/** A page of a usage point's bills: in billing-period order, optionally only those whose period overlaps [from, to). */
export interface SummaryPageRequest extends PageRequest {
  orderBy?: 'PERIOD_START_ASC' | 'PERIOD_START_DESC' | null;
  from?: Date | null;
  to?: Date | null;
}

interface SummaryFilter {
  descending: boolean;
  from: Date | null;
  to: Date | null;
}

type Rows = <R>(sql: string, params: unknown[]) => Promise<R[]>;

const filterKey = (f: SummaryFilter) => `${f.descending}|${f.from?.getTime()}|${f.to?.getTime()}`;
const keysetKey = (k: Keyset) => `${k.limit}|${k.afterKey}|${k.beforeKey}|${k.backward}`;

// A bill is in [from, to) when its period overlaps it: it starts before `to` and ends after `from`.
const overlaps = (
  from: string,
  to: string,
) => `(${from}::timestamptz IS NULL OR t.billing_period_start + t.billing_period_duration * interval '1 second' > ${from})
  AND (${to}::timestamptz IS NULL OR t.billing_period_start < ${to})`;

/**
 * Pages of bills for many usage points, one statement per distinct page request (siblings share theirs). The cursor
 * carries the billing period start in epoch milliseconds, unique per usage point, so pages are keyset ranges of the
 * (usage_point_id, billing_period_start) index in either order; `totalCount` counts under the same filter.
 */
export class SummaryPages {
  private readonly pages: DataLoader<
    { usagePointId: string; keyset: Keyset; filter: SummaryFilter },
    Page<UsageSummaryRecord>,
    string
  >;
  private readonly counts: DataLoader<{ usagePointId: string; filter: SummaryFilter }, number, string>;

  constructor(rows: Rows, scope: AccessScope, prime: (record: UsageSummaryRecord) => void) {
    this.counts = new DataLoader(
      async (keys) => {
        const byFilter = groupBy(keys, (k) => filterKey(k.filter));
        const counts = new Map<string, number>();
        for (const group of byFilter.values()) {
          const { filter } = group[0];
          const params: unknown[] = [group.map((k) => k.usagePointId), filter.from, filter.to];
          const found = await rows<{ parentKey: string; count: number }>(
            `SELECT t.usage_point_id::text AS "parentKey", count(*)::int AS count FROM usage_summary t
              WHERE t.usage_point_id = ANY($1::bigint[]) AND ${overlaps('$2', '$3')} AND ${scope.whereUsagePointId('t.usage_point_id', params)}
              GROUP BY t.usage_point_id`,
            params,
          );
          for (const { parentKey, count } of found) counts.set(`${parentKey}|${filterKey(filter)}`, count);
        }
        return keys.map((k) => counts.get(`${k.usagePointId}|${filterKey(k.filter)}`) ?? 0);
      },
      { cacheKeyFn: (k) => `${k.usagePointId}|${filterKey(k.filter)}` },
    );
    this.pages = new DataLoader(
      async (keys) => {
        const found = new Map<string, UsageSummaryRecord[]>();
        for (const group of groupBy(keys, (k) => `${keysetKey(k.keyset)}|${filterKey(k.filter)}`).values()) {
          const { keyset: page, filter } = group[0];
          // Fetched nearest the cursor first: forward in the list's order, backward against it.
          const ascending = filter.descending === page.backward;
          const after = filter.descending ? '<' : '>';
          const before = filter.descending ? '>' : '<';
          const params: unknown[] = [
            group.map((k) => k.usagePointId),
            instant(page.afterKey),
            page.limit + 1,
            instant(page.beforeKey),
            filter.from,
            filter.to,
          ];
          const billRows = await rows<UsageSummaryRecord & { parentKey: string }>(
            `SELECT * FROM (
               SELECT ${USAGE_SUMMARY_COLUMNS}, t.usage_point_id::text AS "parentKey",
                 row_number() OVER (PARTITION BY t.usage_point_id ORDER BY t.billing_period_start ${ascending ? 'ASC' : 'DESC'}) AS rn
               FROM usage_summary t
               WHERE t.usage_point_id = ANY($1::bigint[]) AND ($2::timestamptz IS NULL OR t.billing_period_start ${after} $2)
                 AND ($4::timestamptz IS NULL OR t.billing_period_start ${before} $4) AND ${overlaps('$5', '$6')}
                 AND ${scope.whereUsagePointId('t.usage_point_id', params)}
             ) page WHERE page.rn <= $3 ORDER BY page."billingPeriodStart" ${ascending ? 'ASC' : 'DESC'}`,
            params,
          );
          for (const { parentKey, rn: _rank, ...record } of billRows as (UsageSummaryRecord & {
            parentKey: string;
            rn: unknown;
          })[]) {
            prime(record);
            const key = `${parentKey}|${keysetKey(page)}|${filterKey(filter)}`;
            if (!found.has(key)) found.set(key, []);
            found.get(key)?.push(record);
          }
        }
        return keys.map(({ usagePointId, keyset: page, filter }) =>
          toPage(found.get(`${usagePointId}|${keysetKey(page)}|${filterKey(filter)}`) ?? [], page, cursorKey, () =>
            this.counts.load({ usagePointId, filter }),
          ),
        );
      },
      { cacheKeyFn: (k) => `${k.usagePointId}|${keysetKey(k.keyset)}|${filterKey(k.filter)}` },
    );
  }

  load(usagePointId: string, request: SummaryPageRequest): Promise<Page<UsageSummaryRecord>> {
    if (request.from && request.to) checkRange(request.from, request.to);
    const page = keyset(
      request,
      undefined,
      (key) => isBigintKey(key) && !Number.isNaN(new Date(Number(key)).getTime()),
    );
    const filter = {
      descending: request.orderBy === 'PERIOD_START_DESC',
      from: request.from ?? null,
      to: request.to ?? null,
    };
    return this.pages.load({ usagePointId, keyset: page, filter });
  }
}

const cursorKey = (r: UsageSummaryRecord) => String(r.billingPeriodStart.getTime());
const instant = (key: string | null) => (key === null ? null : new Date(Number(key)));

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push(item);
  }
  return groups;
}
