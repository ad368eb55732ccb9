import { registerEnumType } from 'type-graphql';
import { FlowDirection } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { FlowDirection };

registerEnumType(FlowDirection, {
  name: 'FlowDirection',
  description:
    'Direction of energy flow of a series. Each is its own metered series: net is never computed from delivered and ' +
    'received, and delivered or received are never split out of a net series by sign.',
  valuesConfig: {
    DELIVERED: { description: 'From the utility to the customer (ESPI forward, or no direction given).' },
    RECEIVED: { description: 'From the customer to the utility, e.g. solar export (ESPI reverse).' },
    NET: { description: 'Metered net: delivered minus received, negative when the customer exported more.' },
  },
});
