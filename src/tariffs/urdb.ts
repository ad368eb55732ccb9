import { readFile } from 'node:fs/promises';
import { byValidFrom } from './schedule';
import { TariffError, type TariffPeriod, type TariffTier, type TariffVersion, type TierWindow } from './tariff';

// The OpenEI Utility Rate Database (URDB) JSON, as its v7 API and bulk download publish a rate: one item, an array of
// items, or the API's { items: [...] }. Field reference: https://openei.org/services/doc/rest/util_rates/?version=7
// What the portal cannot price (demand charges: no demand readings) is kept in `unpriced`, never silently dropped.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON number as the decimal the utility published (0.18081, not 0.18080999999999998). */
function decimal(value: unknown, source: string, field: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TariffError(source, field, `expected a number, got ${JSON.stringify(value)}`);
  const text = String(value);
  if (/e/i.test(text)) return value.toFixed(12).replace(/\.?0+$/, '');
  return text;
}

/** rate + adj, exactly: both are published decimals. */
function addDecimals(a: string, b: string): string {
  const places = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (text: string) => {
    const [whole, fraction = ''] = text.replace('-', '').split('.');
    const digits = BigInt(whole + fraction.padEnd(places, '0'));
    return text.startsWith('-') ? -digits : digits;
  };
  const sum = scaled(a) + scaled(b);
  const digits = (sum < 0n ? -sum : sum).toString().padStart(places + 1, '0');
  const body = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/\.?0+$/, '') : digits;
  return sum < 0n && body !== '0' ? `-${body}` : body;
}

function instant(value: unknown, source: string, field: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const date =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw new TariffError(source, field, `expected epoch seconds or an ISO date, got ${JSON.stringify(value)}`);
  return date;
}

function text(item: Json, key: string): string | null {
  const value = item[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function schedule(item: Json, key: string, periods: number, source: string): number[][] {
  const value = item[key];
  if (!Array.isArray(value) || value.length !== 12)
    throw new TariffError(source, key, 'expected 12 months of 24 hourly period indexes');
  return value.map((month: unknown, m) => {
    if (!Array.isArray(month) || month.length !== 24)
      throw new TariffError(source, `${key}[${m}]`, 'expected 24 hourly period indexes');
    return month.map((period: unknown, h) => {
      if (!Number.isInteger(period) || (period as number) < 0 || (period as number) >= periods) {
        throw new TariffError(
          source,
          `${key}[${m}][${h}]`,
          `expected a period index below ${periods}, got ${JSON.stringify(period)}`,
        );
      }
      return period as number;
    });
  });
}

const TIER_UNITS: Record<string, { unit: TariffVersion['unit']; window: TierWindow }> = {
  kwh: { unit: 'kWh', window: 'month' },
  'kwh daily': { unit: 'kWh', window: 'day' },
  therm: { unit: 'therm', window: 'month' },
  therms: { unit: 'therm', window: 'month' },
  'therm daily': { unit: 'therm', window: 'day' },
  'therms daily': { unit: 'therm', window: 'day' },
};

function periodsOf(
  item: Json,
  source: string,
): { periods: TariffPeriod[]; unit: TariffVersion['unit']; window: TierWindow } {
  const structure = item.energyratestructure;
  if (!Array.isArray(structure) || structure.length === 0)
    throw new TariffError(source, 'energyratestructure', 'expected at least one period of tiers');
  const labels = Array.isArray(item.energytoulabels) ? item.energytoulabels : [];
  const units = new Set<string>();
  const periods = structure.map((tiers: unknown, p): TariffPeriod => {
    const field = `energyratestructure[${p}]`;
    if (!Array.isArray(tiers) || tiers.length === 0) throw new TariffError(source, field, 'expected at least one tier');
    let sell: string | null = null;
    let previousMax = 0;
    const parsed = tiers.map((tier: unknown, t): TariffTier => {
      const at = `${field}[${t}]`;
      if (!isObject(tier)) throw new TariffError(source, at, 'expected a tier object');
      if (tier.rate === undefined && tier.adj === undefined)
        throw new TariffError(source, at, 'a tier needs a rate or an adj');
      const rate = addDecimals(
        tier.rate === undefined ? '0' : decimal(tier.rate, source, `${at}.rate`),
        tier.adj === undefined ? '0' : decimal(tier.adj, source, `${at}.adj`),
      );
      const unit = typeof tier.unit === 'string' ? tier.unit.trim().toLowerCase() : 'kwh';
      if (!TIER_UNITS[unit])
        throw new TariffError(
          source,
          `${at}.unit`,
          `"${String(tier.unit)}" is not priced by the portal (it prices kWh, kWh daily, therms)`,
        );
      units.add(unit);
      if (t === 0 && tier.sell !== undefined) sell = decimal(tier.sell, source, `${at}.sell`);
      const last = t === tiers.length - 1;
      if (tier.max === undefined || tier.max === null) {
        if (!last) throw new TariffError(source, `${at}.max`, 'only the last tier may be unlimited');
        return { max: null, rate };
      }
      const max = Number(decimal(tier.max, source, `${at}.max`));
      if (max <= previousMax) throw new TariffError(source, `${at}.max`, 'tier limits must increase');
      previousMax = max;
      return { max: last ? null : max, rate };
    });
    const label = labels[p];
    const name =
      typeof label === 'string' && label.trim()
        ? label.trim()
        : structure.length === 1
          ? 'ALL_HOURS'
          : `PERIOD_${p + 1}`;
    return { index: p, name, tiers: parsed, sell };
  });
  const kinds = new Set([...units].map((u) => `${TIER_UNITS[u].unit}/${TIER_UNITS[u].window}`));
  if (kinds.size > 1)
    throw new TariffError(source, 'energyratestructure', `mixes tier units (${[...units].join(', ')})`);
  const { unit, window } = TIER_UNITS[[...units][0]];
  return { periods, unit, window };
}

function charge(item: Json, amountKey: string, unitsKey: string, source: string): { monthly: string; daily: string } {
  const amount =
    item[amountKey] === undefined || item[amountKey] === null ? '0' : decimal(item[amountKey], source, amountKey);
  const units = text(item, unitsKey) ?? '$/month';
  if (units === '$/month') return { monthly: amount, daily: '0' };
  if (units === '$/day') return { monthly: '0', daily: amount };
  throw new TariffError(source, unitsKey, `"${units}" is not priced by the portal (it prices $/month and $/day)`);
}

function minimumOf(item: Json, source: string): string | null {
  if (item.mincharge === undefined || item.mincharge === null) return null;
  const units = text(item, 'minchargeunits') ?? '$/month';
  if (units !== '$/month')
    throw new TariffError(source, 'minchargeunits', `"${units}" is not priced by the portal (it prices $/month)`);
  return decimal(item.mincharge, source, 'mincharge');
}

function unpricedParts(item: Json): string[] {
  const present = (key: string) => Array.isArray(item[key]) && (item[key] as unknown[]).length > 0;
  const parts: string[] = [];
  if (present('demandratestructure'))
    parts.push('time-of-use demand charges (demandratestructure): the portal has no demand readings');
  if (present('flatdemandstructure'))
    parts.push('flat demand charges (flatdemandstructure): the portal has no demand readings');
  if (typeof item.fixedchargeeaaddl === 'number' && item.fixedchargeeaaddl !== 0)
    parts.push('charges for additional meters (fixedchargeeaaddl)');
  return parts;
}

function versionOf(item: unknown, source: string): TariffVersion {
  if (!isObject(item)) throw new TariffError(source, 'item', 'expected a URDB rate object');
  const label = text(item, 'label');
  const name = text(item, 'name');
  if (!label) throw new TariffError(source, 'label', 'every version needs its URDB label');
  if (!name) throw new TariffError(source, 'name', 'every version needs a name');
  const { periods, unit, window } = periodsOf(item, source);
  const fixed = charge(item, 'fixedchargefirstmeter', 'fixedchargeunits', source);
  const validFrom = instant(item.startdate, source, 'startdate');
  const validTo = instant(item.enddate, source, 'enddate');
  if (validFrom && validTo && validTo <= validFrom) throw new TariffError(source, 'enddate', 'must be after startdate');
  return {
    code: name,
    label,
    name,
    utility: text(item, 'utility'),
    sector: text(item, 'sector'),
    unit,
    validFrom,
    validTo,
    periods,
    tierWindow: window,
    weekday: schedule(item, 'energyweekdayschedule', periods.length, source),
    weekend: schedule(item, 'energyweekendschedule', periods.length, source),
    fixedMonthlyCharge: fixed.monthly,
    fixedDailyCharge: fixed.daily,
    minMonthlyCharge: minimumOf(item, source),
    currency: 'USD',
    unpriced: unpricedParts(item),
  };
}

/** A version with the URDB item it was read from, as published. */
export interface PublishedVersion {
  version: TariffVersion;
  item: Record<string, unknown>;
}

/** Every version a URDB document holds, in order of validity. Throws TariffError naming the first field at fault. */
export function parseUrdbDocument(json: unknown, source: string): PublishedVersion[] {
  const items: unknown[] = Array.isArray(json)
    ? json
    : isObject(json) && Array.isArray(json.items)
      ? json.items
      : [json];
  if (items.length === 0) throw new TariffError(source, 'items', 'holds no rate');
  const published = items.map((item, i) => ({
    version: versionOf(item, items.length > 1 ? `${source} item ${i}` : source),
    item: item as Json,
  }));
  const labels = new Set<string>();
  for (const { version } of published) {
    if (labels.has(version.label)) throw new TariffError(source, 'label', `"${version.label}" appears twice`);
    labels.add(version.label);
  }
  const order = byValidFrom(published.map((p) => p.version));
  return order.map((version) => published.find((p) => p.version === version) as PublishedVersion);
}

export function parseUrdb(json: unknown, source: string): TariffVersion[] {
  return parseUrdbDocument(json, source).map((p) => p.version);
}

export async function readTariffDocument(path: string): Promise<PublishedVersion[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TariffError(
      path,
      'file',
      error instanceof SyntaxError ? `not JSON (${error.message})` : (error as Error).message,
    );
  }
  return parseUrdbDocument(json, path);
}

export async function readTariffFile(path: string): Promise<TariffVersion[]> {
  return (await readTariffDocument(path)).map((p) => p.version);
}
