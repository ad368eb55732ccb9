import type { DataSource } from 'typeorm';
import { EventOutboxEntity } from '../../entities';
import { entityFields, selectColumns, type EntityRow, type EntitySelect } from '../../entities/columns';
import { writeBatchList } from '../../espi';
import { toGlobalId } from '../access/global-id';

const EVENT_FIELDS = entityFields<EventOutboxEntity>()([
  'id',
  'kind',
  'usagePointId',
  'customerId',
  'batchId',
  'payload',
  'createdAt',
]);
export type EventRow = EntityRow<EventOutboxEntity, typeof EVENT_FIELDS>;
const EVENT_COLUMNS = selectColumns(EventOutboxEntity, EVENT_FIELDS, '');
export const EVENT_SELECTS: readonly EntitySelect[] = [{ entity: EventOutboxEntity, columns: EVENT_COLUMNS }];

/**
 * The JSON body of one event: its id (receivers drop repeats by it), kind, when it was recorded, the GraphQL global
 * ids of its usage point, customer and batch, and `data` as recorded (for usage: the window `from`/`to` and local
 * days written, readings `inserted` and `revised`; for IMPORT_FAILED: file, status, reason).
 */
export function eventBody(event: EventRow): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    createdAt: new Date(event.createdAt).toISOString(),
    usagePointId: event.usagePointId && toGlobalId('UsagePoint', event.usagePointId),
    customerId: event.customerId && toGlobalId('Customer', event.customerId),
    batchId: event.batchId && toGlobalId('ImportBatch', event.batchId),
    data: event.payload,
  });
}

export async function eventsOf(db: DataSource, ids: readonly string[]): Promise<EventRow[]> {
  return (await db.query(
    `SELECT ${EVENT_COLUMNS}
       FROM event_outbox WHERE id = ANY ($1::bigint[]) ORDER BY id`,
    [ids],
  )) as EventRow[];
}

/**
 * The BatchList of a Green Button notification: for each usage point the events changed, the IntervalBlock resource
 * of each of its meter readings over the window changed (published-min/max, all its events' windows together), under
 * the ESPI REST base (PUBLIC_BASE_URL + ESPI_REST_PATH).
 */
export async function batchListBody(db: DataSource, events: readonly EventRow[], espiBaseUrl: string): Promise<string> {
  const windows = new Map<string, { from: string; to: string }>();
  for (const { usagePointId, payload } of events) {
    if (!usagePointId || typeof payload.from !== 'string' || typeof payload.to !== 'string') continue;
    const known = windows.get(usagePointId);
    windows.set(
      usagePointId,
      known
        ? { from: min(known.from, payload.from), to: max(known.to, payload.to) }
        : { from: payload.from, to: payload.to },
    );
  }
  const readings = (await db.query(
    `SELECT id::text, usage_point_id::text AS "usagePointId" FROM meter_reading WHERE usage_point_id = ANY ($1::bigint[]) ORDER BY usage_point_id, id`,
    [[...windows.keys()]],
  )) as { id: string; usagePointId: string }[];
  const resources = readings.map(({ id, usagePointId }) => {
    const { from, to } = windows.get(usagePointId) as { from: string; to: string };
    const range = new URLSearchParams({ 'published-min': isoSeconds(from), 'published-max': isoSeconds(to) });
    return `${espiBaseUrl}/MeterReading/${toGlobalId('MeterReading', id)}/IntervalBlock?${range}`;
  });
  return writeBatchList(resources);
}

const min = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
const max = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
// The ESPI REST parameters are xs:dateTime in UTC; jsonb holds PostgreSQL's own rendering of the instant.
const isoSeconds = (instant: string) => new Date(instant).toISOString().replace('.000Z', 'Z');
