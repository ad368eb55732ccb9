import { registerEnumType } from 'type-graphql';
import { Resolution } from '../services/usage/periods';

// The service's enum, under the same name in the API.
export { Resolution };

registerEnumType(Resolution, {
  name: 'Resolution',
  description: 'Bucket size of a usage series. HOUR and longer are local to the series time zone.',
  valuesConfig: {
    INTERVAL: { description: 'One bucket per reading, as metered (15 minutes, 5 minutes, an hour…).' },
    HOUR: {
      description: 'Local clock hours: a fall-back night has two 01:00 hours, a spring-forward night none at 02:00.',
    },
    DAY: { description: 'Local calendar days, from midnight to midnight: 23 or 25 hours on DST change days.' },
    WEEK: { description: 'Local ISO weeks, Monday to Monday.' },
    MONTH: { description: 'Local calendar months.' },
    YEAR: { description: 'Local calendar years.' },
  },
});
