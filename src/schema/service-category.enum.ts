import { registerEnumType } from 'type-graphql';
import { ServiceCategory } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { ServiceCategory };

registerEnumType(ServiceCategory, {
  name: 'ServiceCategory',
  description: 'Kind of service a usage point meters (ESPI ServiceKind).',
  valuesConfig: Object.fromEntries(
    Object.values(ServiceCategory).map((value) => [
      value,
      { description: `ESPI ServiceKind ${value.toLowerCase().replace('_', ' ')}.` },
    ]),
  ),
});
