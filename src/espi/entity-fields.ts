import { parseHexBinary } from './numbers';
import {
  DateTimeInterval,
  EspiLineItem,
  LocalTimeParametersFields,
  ReadingTypeFields,
  SUMMARY_MEASUREMENT_FIELDS,
  SummaryMeasurement,
  UsageSummaryFields,
  XmlElement,
} from './records';
import { child, children, intOf, textOf } from './xml-tree';

/** Converters from an entity's element tree to typed fields. Each lists the element names it knows, in schema order. */

export const READING_TYPE_NUMBERS = [
  'accumulationBehaviour',
  'commodity',
  'consumptionTier',
  'currency',
  'dataQualifier',
  'defaultQuality',
  'flowDirection',
  'intervalLength',
  'kind',
  'phase',
  'powerOfTenMultiplier',
  'timeAttribute',
  'tou',
  'uom',
  'cpp',
] as const;
export const READING_TYPE_ELEMENTS = [...READING_TYPE_NUMBERS, 'interharmonic', 'measuringPeriod', 'argument'];

export function readingTypeFields(el: XmlElement, problems: string[]): ReadingTypeFields {
  const f: ReadingTypeFields = {};
  for (const name of READING_TYPE_NUMBERS) {
    const v = intOf(el, name, problems);
    if (v !== undefined) f[name] = v;
  }
  const ratio = (name: string) => {
    const r = child(el, name);
    return r && { numerator: intOf(r, 'numerator', problems), denominator: intOf(r, 'denominator', problems) };
  };
  const interharmonic = ratio('interharmonic');
  if (interharmonic) f.interharmonic = interharmonic;
  const measuringPeriod = intOf(el, 'measuringPeriod', problems);
  if (measuringPeriod !== undefined) f.measuringPeriod = measuringPeriod;
  const argument = ratio('argument');
  if (argument) f.argument = argument;
  return f;
}

export const USAGE_POINT_ELEMENTS = ['roleFlags', 'ServiceCategory', 'status', 'serviceDeliveryPoint'];

export function usagePointFields(el: XmlElement, problems: string[]) {
  return {
    roleFlags: textOf(el, 'roleFlags'),
    serviceKind: intOf(child(el, 'ServiceCategory'), 'kind', problems),
    status: intOf(el, 'status', problems),
    // The tariff the usage point is billed on (ServiceDeliveryPoint, an ESPI extension).
    tariffProfile: textOf(child(el, 'serviceDeliveryPoint'), 'tariffProfile'),
  };
}

export const LTP_ELEMENTS = ['dstEndRule', 'dstOffset', 'dstStartRule', 'tzOffset'];

export function localTimeFields(el: XmlElement, problems: string[]): LocalTimeParametersFields {
  const rule = (name: string) => {
    const t = textOf(el, name);
    // DstRuleType is 4 octets: fewer digits are a truncated rule (the linker then falls back, with a warning).
    const parsed = t === undefined ? undefined : parseHexBinary(t);
    return { text: t, value: parsed?.digits === 8 ? parsed.value : undefined };
  };
  const start = rule('dstStartRule');
  const end = rule('dstEndRule');
  return {
    dstEndRule: end.value,
    dstEndRuleText: end.text,
    dstOffset: intOf(el, 'dstOffset', problems),
    dstStartRule: start.value,
    dstStartRuleText: start.text,
    tzOffset: intOf(el, 'tzOffset', problems),
  };
}

export function intervalOf(el: XmlElement | undefined, problems: string[]): DateTimeInterval | undefined {
  if (!el) return undefined;
  const start = intOf(el, 'start', problems);
  const duration = intOf(el, 'duration', problems);
  if (start === undefined || duration === undefined) {
    problems.push(`${el.name} without start and duration`);
    return undefined;
  }
  return { start, duration };
}

function measurementOf(el: XmlElement | undefined, problems: string[]): SummaryMeasurement | undefined {
  if (!el) return undefined;
  const m: SummaryMeasurement = {
    powerOfTenMultiplier: intOf(el, 'powerOfTenMultiplier', problems),
    timeStamp: intOf(el, 'timeStamp', problems),
    uom: intOf(el, 'uom', problems),
    value: intOf(el, 'value', problems),
    readingTypeRef: textOf(el, 'readingTypeRef'),
  };
  return dropUndefined(m);
}

function lineItemOf(el: XmlElement, problems: string[]): EspiLineItem {
  return dropUndefined({
    amount: intOf(el, 'amount', problems),
    rounding: intOf(el, 'rounding', problems),
    dateTime: intOf(el, 'dateTime', problems),
    note: textOf(el, 'note'),
    measurement: measurementOf(child(el, 'measurement'), problems),
    itemKind: intOf(el, 'itemKind', problems),
    unitCost: intOf(el, 'unitCost', problems),
    itemPeriod: intervalOf(child(el, 'itemPeriod'), problems),
  });
}

export const USAGE_SUMMARY_ELEMENTS = [
  'billingPeriod',
  'billLastPeriod',
  'billToDate',
  'costAdditionalLastPeriod',
  'costAdditionalDetailLastPeriod',
  'currency',
  ...SUMMARY_MEASUREMENT_FIELDS,
  'qualityOfReading',
  'ratchetDemand',
  'ratchetDemandPeriod',
  'statusTimeStamp',
  'commodity',
  'tariffProfile',
  'readCycle',
];

export function usageSummaryFields(el: XmlElement, problems: string[]): UsageSummaryFields {
  const measurements: UsageSummaryFields['measurements'] = {};
  for (const name of SUMMARY_MEASUREMENT_FIELDS) {
    const m = measurementOf(child(el, name), problems);
    if (m) measurements[name] = m;
  }
  return dropUndefined({
    billingPeriod: intervalOf(child(el, 'billingPeriod'), problems),
    billLastPeriod: intOf(el, 'billLastPeriod', problems),
    billToDate: intOf(el, 'billToDate', problems),
    costAdditionalLastPeriod: intOf(el, 'costAdditionalLastPeriod', problems),
    costAdditionalDetailLastPeriod: children(el, 'costAdditionalDetailLastPeriod').map((li) => lineItemOf(li, problems)),
    currency: intOf(el, 'currency', problems),
    measurements,
    qualityOfReading: intOf(el, 'qualityOfReading', problems),
    ratchetDemand: measurementOf(child(el, 'ratchetDemand'), problems),
    ratchetDemandPeriod: intervalOf(child(el, 'ratchetDemandPeriod'), problems),
    statusTimeStamp: intOf(el, 'statusTimeStamp', problems),
    commodity: intOf(el, 'commodity', problems),
    tariffProfile: textOf(el, 'tariffProfile'),
    readCycle: textOf(el, 'readCycle'),
  });
}

/** Records compare equal after a round trip only if absent fields are absent, not present-and-undefined. */
export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
