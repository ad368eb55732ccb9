import { registerEnumType } from 'type-graphql';

export enum Commodity {
  ELECTRICITY = 'ELECTRICITY',
  NATURAL_GAS = 'NATURAL_GAS',
  PROPANE = 'PROPANE',
  WATER = 'WATER',
  STEAM = 'STEAM',
  HEATING_FLUID = 'HEATING_FLUID',
  COOLING_FLUID = 'COOLING_FLUID',
  OTHER = 'OTHER',
}

registerEnumType(Commodity, {
  name: 'Commodity',
  description: 'What a reading type measures (ESPI CommodityKind, grouped).',
  valuesConfig: {
    ELECTRICITY: { description: 'Electricity, primary or secondary metered.' },
    NATURAL_GAS: { description: 'Natural gas.' },
    PROPANE: { description: 'Propane.' },
    WATER: { description: 'Potable, non-potable or waste water.' },
    STEAM: { description: 'Steam.' },
    HEATING_FLUID: { description: 'District heating fluid.' },
    COOLING_FLUID: { description: 'District cooling fluid.' },
    OTHER: { description: 'Another ESPI commodity code.' },
  },
});
