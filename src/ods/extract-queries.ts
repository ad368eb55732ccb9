import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { BILL_CHANGED } from './extract-bills';

// Reads of the extract contract (docs/ods.md). Every query takes the change range as ($1, $2] on change_seq, or, for
// a `--since` re-extract, received_at >= $3 for reads (entities: everything of the customers in scope).

export interface ChangeRange {
  /** Exclusive lower bound (the portal's watermark). */
  after: string;
  /** Inclusive upper bound: the highest change_seq visible when the extract began. */
  upTo: string;
  /** Re-extract reads received since then instead of those after the watermark. */
  since?: Date;
}

export interface OdsUsagePointRow {
  usage_point_id: string;
  customer_id: string;
  kind: 'electricity' | 'gas' | 'water';
  name: string;
  time_zone: string;
  tariff: string | null;
}

export interface ChannelRow {
  channel_id: string;
  usage_point_id: string;
  flow_direction: number;
  uom: number;
  power_of_ten: number;
  interval_length: number;
  commodity: number;
  kind: number;
  accumulation: number;
  currency: number;
}

export interface ReadRow {
  usage_point_id: string;
  channel_id: string;
  start: number;
  local_day: string;
  value: string;
  cost: string | null;
  quality: number | null;
}

/** The highest change_seq of every relation: the extract's upper bound, fixed by its snapshot. */
export async function highestChange(client: ClientBase): Promise<string> {
  const { rows } = await client.query<{ upto: string }>(
    `SELECT greatest(0, (SELECT max(change_seq) FROM ods.interval_read), (SELECT max(change_seq) FROM ods.channel),
                     (SELECT max(change_seq) FROM ods.usage_point), (SELECT max(change_seq) FROM ods.meter),
                     (SELECT max(change_seq) FROM ods.service_location), (SELECT max(change_seq) FROM ods.account),
                     (SELECT max(change_seq) FROM ods.customer), (SELECT max(change_seq) FROM ods.bill),
                     (SELECT max(change_seq) FROM ods.bill_line_item))::text AS upto`,
  );
  return rows[0].upto;
}

const changed = (alias: string) => `(${alias}.change_seq > $1::bigint AND ${alias}.change_seq <= $2::bigint)`;
const readChanged = `(CASE WHEN $3::timestamptz IS NULL THEN ${changed('r')} ELSE r.received_at >= $3 AND r.change_seq <= $2::bigint END)`;
const params = (range: ChangeRange) => [range.after, range.upTo, range.since ?? null];

/** Channels with changed reads (with how many: the plan balances its shards by them), plus channels that changed themselves. */
export async function changedChannels(
  client: ClientBase,
  range: ChangeRange,
): Promise<(ChannelRow & { readings: number })[]> {
  const { rows } = await client.query<ChannelRow & { readings: number }>(
    `SELECT c.*, coalesce(n.readings, 0)::int AS readings
       FROM ods.channel c
       LEFT JOIN (SELECT r.channel_id, count(*) AS readings FROM ods.interval_read r WHERE ${readChanged} GROUP BY r.channel_id) n USING (channel_id)
      WHERE n.channel_id IS NOT NULL OR ($3::timestamptz IS NULL AND ${changed('c')})
      ORDER BY c.usage_point_id, c.channel_id`,
    params(range),
  );
  return rows;
}

/** A shard's channels, as its plan listed them. */
export async function channelsByIds(client: ClientBase, channelIds: string[]): Promise<ChannelRow[]> {
  const { rows } = await client.query<ChannelRow>(
    `SELECT c.* FROM ods.channel c WHERE c.channel_id = ANY($1::bigint[]) ORDER BY c.usage_point_id, c.channel_id`,
    [channelIds],
  );
  return rows;
}

/** Usage points to write: those of the changed channels and those whose own row, location or bills changed. */
export async function usagePointsInScope(
  client: ClientBase,
  range: ChangeRange,
  channelUsagePoints: string[],
): Promise<OdsUsagePointRow[]> {
  const { rows } = await client.query<OdsUsagePointRow>(
    `SELECT u.usage_point_id, a.customer_id, u.kind, u.name, l.time_zone, u.tariff
       FROM ods.usage_point u JOIN ods.service_location l USING (location_id) JOIN ods.account a USING (account_id)
      WHERE u.usage_point_id = ANY($4::bigint[]) OR ($3::timestamptz IS NULL AND (${changed('u')} OR ${changed('l')}))
         OR EXISTS (SELECT 1 FROM ods.bill b WHERE b.usage_point_id = u.usage_point_id AND ${BILL_CHANGED})
      ORDER BY u.usage_point_id`,
    [...params(range), channelUsagePoints],
  );
  return rows;
}

/** A shard's usage points, in its order: by customer, so each customer is complete as early as it can be. */
export async function usagePointsByIds(client: ClientBase, usagePointIds: string[]): Promise<OdsUsagePointRow[]> {
  const { rows } = await client.query<OdsUsagePointRow>(
    `SELECT u.usage_point_id, a.customer_id, u.kind, u.name, l.time_zone, u.tariff
       FROM ods.usage_point u JOIN ods.service_location l USING (location_id) JOIN ods.account a USING (account_id)
      WHERE u.usage_point_id = ANY($1::bigint[])
      ORDER BY a.customer_id, u.usage_point_id`,
    [usagePointIds],
  );
  return rows;
}

/** Customers to write: those owning a usage point in scope and those whose customer-side rows changed. */
export async function customersInScope(
  client: ClientBase,
  range: ChangeRange,
  usagePointCustomers: string[],
): Promise<string[]> {
  const { rows } = await client.query<{ customer_id: string }>(
    `SELECT c.customer_id FROM ods.customer c
      WHERE c.customer_id = ANY($4::bigint[])
         OR ($3::timestamptz IS NULL AND (${changed('c')}
             OR EXISTS (SELECT 1 FROM ods.account a WHERE a.customer_id = c.customer_id AND ${changed('a')})
             OR EXISTS (SELECT 1 FROM ods.account a JOIN ods.service_location l USING (account_id)
                         WHERE a.customer_id = c.customer_id AND ${changed('l')})
             OR EXISTS (SELECT 1 FROM ods.account a JOIN ods.service_location l USING (account_id)
                          JOIN ods.usage_point u USING (location_id) JOIN ods.meter m USING (meter_id)
                         WHERE a.customer_id = c.customer_id AND ${changed('m')})))
      ORDER BY c.customer_id`,
    [...params(range), usagePointCustomers],
  );
  return rows.map((r) => r.customer_id);
}

/**
 * Streams the changed reads of some channels, channel by channel in the order given, each by start, with the local
 * day of the usage point's zone (the IntervalBlock boundary), in pages. Read with COPY TO STDOUT and split here: a
 * third of the CPU of a cursor's row objects, and memory stays one page whatever the range. Runs inside the
 * caller's transaction (COPY takes no parameters: the values are written into the statement, escaped).
 */
export async function* changedReads(
  client: ClientBase,
  range: ChangeRange,
  channels: ChannelRow[],
  zones: Map<string, string>,
  pageSize = 20_000,
): AsyncGenerator<ReadRow[]> {
  if (channels.length === 0) return;
  const bigints = (values: string[]) => `'{${values.map((v) => BigInt(v).toString()).join(',')}}'::bigint[]`;
  const literal = (value: string) => client.escapeLiteral(value);
  const readInRange = range.since
    ? `r.received_at >= ${literal(range.since.toISOString())}::timestamptz AND r.change_seq <= ${BigInt(range.upTo)}`
    : `r.change_seq > ${BigInt(range.after)} AND r.change_seq <= ${BigInt(range.upTo)}`;
  const stream = client.query(
    copyTo(`COPY (
      SELECT ch.usage_point_id, r.channel_id, extract(epoch FROM r.start)::int, (r.start AT TIME ZONE ch.zone)::date, r.value, r.cost, r.quality
        FROM unnest(${bigints(channels.map((c) => c.channel_id))}, ${bigints(channels.map((c) => c.usage_point_id))},
                    ARRAY[${channels.map((c) => literal(zones.get(c.usage_point_id) ?? 'UTC')).join(',')}]::text[]) WITH ORDINALITY ch(channel_id, usage_point_id, zone, ord)
        JOIN ods.interval_read r USING (channel_id)
       WHERE ${readInRange}
       ORDER BY ch.ord, r.start) TO STDOUT`),
  );
  let page: ReadRow[] = [];
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    // Every value is ASCII (digits, dates, \N): latin1 decodes a chunk without waiting for whole characters.
    const lines = (rest + chunk.toString('latin1')).split('\n');
    rest = lines.pop() as string;
    for (const line of lines) {
      page.push(readRow(line));
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length) yield page;
}

function readRow(line: string): ReadRow {
  const [usagePointId, channelId, start, localDay, value, cost, quality] = line.split('\t');
  return {
    usage_point_id: usagePointId,
    channel_id: channelId,
    start: Number(start),
    local_day: localDay,
    value,
    cost: cost === '\\N' ? null : cost,
    quality: quality === '\\N' ? null : Number(quality),
  };
}

export interface CustomerEntitiesRow {
  customer_id: string;
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  status: string;
  accounts: {
    account_id: string;
    account_number: string;
    billing_cycle: string | null;
    locations: {
      location_id: string;
      street_address: string;
      city: string;
      state: string;
      postal_code: string;
      country: string;
      usage_points: {
        usage_point_id: string;
        meter_id: string;
        serial_number: string;
        form_number: string | null;
        interval_length: number;
      }[];
    }[];
  }[];
}

/** Each customer with its accounts, service locations, usage points and meters, as one JSON tree per customer. */
export async function customerEntities(client: ClientBase, customerIds: string[]): Promise<CustomerEntitiesRow[]> {
  const { rows } = await client.query<CustomerEntitiesRow>(
    `SELECT c.customer_id::text, c.kind, c.name, c.email, c.phone, c.status,
            coalesce((SELECT json_agg(json_build_object(
               'account_id', a.account_id::text, 'account_number', a.account_number, 'billing_cycle', a.billing_cycle,
               'locations', coalesce((SELECT json_agg(json_build_object(
                  'location_id', l.location_id::text, 'street_address', l.street_address, 'city', l.city, 'state', l.state,
                  'postal_code', l.postal_code, 'country', l.country,
                  'usage_points', coalesce((SELECT json_agg(json_build_object(
                     'usage_point_id', u.usage_point_id::text, 'meter_id', m.meter_id::text, 'serial_number', m.serial_number,
                     'form_number', m.form_number, 'interval_length', m.interval_length) ORDER BY u.usage_point_id)
                    FROM ods.usage_point u JOIN ods.meter m USING (meter_id) WHERE u.location_id = l.location_id), '[]'))
                  ORDER BY l.location_id) FROM ods.service_location l WHERE l.account_id = a.account_id), '[]'))
               ORDER BY a.account_id) FROM ods.account a WHERE a.customer_id = c.customer_id), '[]') AS accounts
       FROM ods.customer c WHERE c.customer_id = ANY($1::bigint[]) ORDER BY c.customer_id`,
    [customerIds],
  );
  return rows;
}
