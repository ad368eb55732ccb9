import { registerEnumType } from 'type-graphql';
import { Unit } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { Unit };

registerEnumType(Unit, {
  name: 'Unit',
  description: 'Unit in which values are returned. Electric units are scaled to kilo (ESPI Wh become kWh).',
  valuesConfig: {
    KWH: { description: 'Kilowatt-hours of active energy.' },
    KVARH: { description: 'Kilovar-hours of reactive energy.' },
    KVAH: { description: 'Kilovolt-ampere-hours of apparent energy.' },
    KW: { description: 'Kilowatts (demand).' },
    KVAR: { description: 'Kilovars (reactive power).' },
    KVA: { description: 'Kilovolt-amperes (apparent power).' },
    THERM: { description: 'Therms of gas energy.' },
    CUBIC_METRE: { description: 'Cubic metres (gas or water volume).' },
    CUBIC_FOOT: { description: 'Cubic feet (gas or water volume).' },
    US_GALLON: { description: 'US gallons of water.' },
    NONE: { description: 'Dimensionless (no unit given).' },
    OTHER: { description: 'An ESPI unit without a name here; see unitSymbol.' },
  },
});
