import { registerEnumType } from 'type-graphql';
import { Role } from '../auth/roles';

registerEnumType(Role, {
  name: 'Role',
  description: 'What a signed-in principal may do.',
  valuesConfig: {
    CUSTOMER: { description: "A household or business: only its own customer's data." },
    CSR: { description: 'Customer service: reads any customer.' },
    ADMIN: { description: 'Runs imports and extracts, and everything a CSR can.' },
    OPS: { description: 'Operates queues and imports; sees no customer personal data.' },
  },
});

export { Role };
