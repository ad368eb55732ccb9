import { registerEnumType } from 'type-graphql';

export enum ServiceCategory {
  ELECTRICITY = 'ELECTRICITY',
  GAS = 'GAS',
  WATER = 'WATER',
  TIME = 'TIME',
  HEAT = 'HEAT',
  REFUSE = 'REFUSE',
  SEWERAGE = 'SEWERAGE',
  RATES = 'RATES',
  TV_LICENCE = 'TV_LICENCE',
  INTERNET = 'INTERNET',
  OTHER = 'OTHER',
}

registerEnumType(ServiceCategory, {
  name: 'ServiceCategory',
  description: 'Kind of service a usage point meters (ESPI ServiceKind).',
  valuesConfig: Object.fromEntries(
    Object.values(ServiceCategory).map((value) => [value, { description: `ESPI ServiceKind ${value.toLowerCase().replace('_', ' ')}.` }]),
  ),
});
