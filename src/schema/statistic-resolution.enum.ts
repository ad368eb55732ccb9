import { registerEnumType } from 'type-graphql';

export enum StatisticResolution {
  HOUR = 'HOUR',
}

registerEnumType(StatisticResolution, {
  name: 'StatisticResolution',
  description: 'Period of long-term statistics.',
  valuesConfig: { HOUR: { description: 'Hours on the hour (UTC).' } },
});
