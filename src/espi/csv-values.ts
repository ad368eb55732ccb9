import { isInt48 } from './numbers';

// The cells of a Green Button CSV row: fields, local dates and times, exact decimals. Local times are "local epoch
// seconds" (the wall clock read as if it were UTC), resolved to instants by the reader in the file's zone.

/** One CSV line's fields: quoted fields may hold commas and doubled quotes; SCE quotes every data field. */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          field += line.slice(i);
          i = line.length;
          break;
        }
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      const comma = line.indexOf(',', i);
      fields.push(field);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? undefined : comma));
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const TIME = /^(\d{1,2}):(\d\d)(?::(\d\d))?\s*(?:([AaPp])\.?[Mm]\.?)?$/;

/** Local midnight of "2024-05-22", "2024-5-22", "11/1/2022" or "07/28/2025", or undefined. */
export function localDate(text: string): number | undefined {
  const t = text.trim();
  const iso = ISO_DATE.exec(t);
  const us = iso ? undefined : US_DATE.exec(t);
  if (!iso && !us) return undefined;
  const [y, m, d] = iso ? [+iso[1], +iso[2], +iso[3]] : [+us![3], +us![1], +us![2]];
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const ms = Date.UTC(y, m - 1, d);
  return new Date(ms).getUTCDate() === d ? ms / 1000 : undefined;
}

/** Seconds since local midnight of "00:15", "0:15:00", "12:00 AM", "8:00PM", or undefined; "24:00" is the day's end. */
export function timeOfDay(text: string): number | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  let hour = +m[1];
  const minute = +m[2];
  const second = +(m[3] ?? 0);
  if (minute > 59 || second > 59) return undefined;
  if (m[4]) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (m[4].toLowerCase() === 'p' ? 12 : 0);
  } else if (hour > 24 || (hour === 24 && minute + second > 0)) return undefined;
  return hour * 3600 + minute * 60 + second;
}

/** "2024-05-22 00:15:00", "2024-05-22T00:15", "07/28/2025 12:00AM": local seconds, or undefined. */
export function localDateTime(text: string): number | undefined {
  const m = /^\s*(\S+?)(?:[ T]+(.+))?\s*$/.exec(text);
  if (!m?.[2]) return undefined;
  const day = localDate(m[1]);
  const time = timeOfDay(m[2]);
  return day === undefined || time === undefined ? undefined : day + time;
}

const WITH_OFFSET = /^\s*(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(Z|[+-]\d\d(?::?\d\d)?)\s*$/;

/** "2024-11-03T01:00:00-05", "…-05:00" or "…Z": an instant, epoch seconds (its offset says which of two equal local times). */
export function instantWithOffset(text: string): number | undefined {
  const m = WITH_OFFSET.exec(text);
  if (!m) return undefined;
  const [sign, minutes] = [m[2].slice(0, 3), m[2].replace(':', '').slice(3) || '00'];
  const ms = Date.parse(`${m[1]}${m[2] === 'Z' ? 'Z' : `${sign}:${minutes}`}`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export type Exact = { value: number } | { code: string; message: string };

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A decimal cell as an integer count of 10^−decimals units, exactly: more non-zero decimals than that, or a value
 * outside ESPI's Int48, is refused rather than rounded. Thousands separators ("1,234.5") are read.
 */
export function exactDecimal(text: string, decimals: number): Exact {
  const cell = text.trim().replace(/,(?=\d{3}(?:\D|$))/g, '');
  const m = DECIMAL.exec(cell);
  if (!m || (m[2] === '' && !m[3]))
    return { code: 'reading-bad-number', message: `value "${text.trim().slice(0, 40)}" is not a decimal number` };
  const fraction = m[3] ?? '';
  if (/[1-9]/.test(fraction.slice(decimals))) {
    return {
      code: 'csv-value-precision',
      message: `value ${cell} has more than ${decimals} decimals: refused rather than rounded`,
    };
  }
  const digits = `${m[2]}${fraction.slice(0, decimals).padEnd(decimals, '0')}`.replace(/^0+(?=\d)/, '');
  const n = Number(`${m[1]}${digits}`);
  if (!Number.isSafeInteger(n) || !isInt48(n))
    return { code: 'value-out-of-range', message: `value ${cell} is outside the Int48 range of ESPI` };
  return { value: n === 0 ? 0 : n };
}

/** A cost cell ("$0.15", "-$1,234.50", "($2.00)", "0.15") in hundred-thousandths of the currency, as ESPI keeps cost. */
export function exactCost(text: string): Exact {
  const cell = text.trim();
  const parenthesised = /^\((.*)\)$/.exec(cell);
  const inner = (parenthesised?.[1] ?? cell).replace(/\s+/g, '');
  const m = /^(-?)\$?(-?)(.*)$/.exec(inner)!;
  const negative = parenthesised || m[1] || m[2] ? '-' : '';
  if (m[1] && m[2]) return { code: 'reading-bad-number', message: `cost "${cell.slice(0, 40)}" is not an amount` };
  const amount = exactDecimal(`${negative}${m[3]}`, 5);
  return 'value' in amount || amount.code !== 'reading-bad-number'
    ? amount
    : { ...amount, message: `cost "${cell.slice(0, 40)}" is not an amount` };
}
