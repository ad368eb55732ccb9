import { registerEnumType } from 'type-graphql';
import { Commodity } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { Commodity };

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
