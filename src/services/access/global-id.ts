// Opaque global ids: base64url("Type:key[:key…]"). Clients must treat them as opaque; the type prefix lets node(id:)
// dispatch, and the keys are the database's bigint ids (as strings) or, for readings, their composite key.

export type NodeType =
  | 'Customer'
  | 'CustomerAccount'
  | 'ServiceLocation'
  | 'UsagePoint'
  | 'Meter'
  | 'ReadingType'
  | 'MeterReading'
  | 'IntervalReading'
  | 'UsageSummary'
  | 'ImportBatch'
  | 'Tariff'
  | 'UsageChange'
  | 'AlertRule'
  | 'Alert'
  | 'WebhookEndpoint'
  | 'WebhookDelivery';

const KEY_COUNTS: Record<NodeType, number> = {
  Customer: 1,
  CustomerAccount: 1,
  ServiceLocation: 1,
  UsagePoint: 1,
  Meter: 1,
  ReadingType: 1,
  MeterReading: 1,
  // usage point, meter reading, start in epoch seconds
  IntervalReading: 3,
  // usage point, summary
  UsageSummary: 2,
  ImportBatch: 1,
  Tariff: 1,
  UsageChange: 1,
  AlertRule: 1,
  Alert: 1,
  WebhookEndpoint: 1,
  WebhookDelivery: 1,
};

export function toGlobalId(type: NodeType, ...keys: (string | number)[]): string {
  return Buffer.from(`${type}:${keys.join(':')}`).toString('base64url');
}

export interface DecodedId {
  type: NodeType;
  keys: string[];
}

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/**
 * Whether `key` is a decimal integer a PostgreSQL bigint holds: keys decoded from ids and cursors reach SQL as
 * bigints, where anything else (a forged id, 9223372036854775808) would fail the statement instead of finding nothing.
 */
export function isBigintKey(key: string): boolean {
  if (!/^-?\d{1,19}$/.test(key)) return false;
  const value = BigInt(key);
  return value >= BIGINT_MIN && value <= BIGINT_MAX;
}

/** The type and keys of a global id, or null for anything that is not one of ours. */
export function fromGlobalId(id: string): DecodedId | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return null;
  const [type, ...keys] = Buffer.from(id, 'base64url').toString('utf8').split(':');
  if (!Object.hasOwn(KEY_COUNTS, type)) return null;
  if (keys.length !== KEY_COUNTS[type as NodeType] || !keys.every(isBigintKey)) return null;
  return { type: type as NodeType, keys };
}

/** The database id behind a global id of the given type, or null. */
export function idOf(id: string, type: NodeType): string | null {
  const decoded = fromGlobalId(id);
  return decoded && decoded.type === type ? decoded.keys[0] : null;
}
