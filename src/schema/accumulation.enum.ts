import { registerEnumType } from 'type-graphql';
import { Accumulation } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { Accumulation };

registerEnumType(Accumulation, {
  name: 'Accumulation',
  description: 'How readings of a reading type accumulate (ESPI AccumulationKind).',
  valuesConfig: {
    BULK_QUANTITY: { description: 'A register value at a point in time.' },
    CUMULATIVE: { description: 'Accumulated since the last reset.' },
    DELTA: { description: 'The quantity within each interval (interval data); these sum to usage.' },
    INDICATING: { description: 'A value indicated at a point in time (demand).' },
    SUMMATION: { description: 'A sum over a period.' },
    INSTANTANEOUS: { description: 'An instantaneous value.' },
    OTHER: { description: 'Another ESPI accumulation code.' },
  },
});
