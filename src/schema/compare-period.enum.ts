import { registerEnumType } from 'type-graphql';

export enum ComparePeriod {
  PREVIOUS_PERIOD = 'PREVIOUS_PERIOD',
  PREVIOUS_YEAR = 'PREVIOUS_YEAR',
}

registerEnumType(ComparePeriod, {
  name: 'ComparePeriod',
  description: 'Which earlier usage a series is compared with, bucket by bucket, in local calendar terms.',
  valuesConfig: {
    PREVIOUS_PERIOD: {
      description:
        'The range of equal local length just before: for MONTH and YEAR buckets as many calendar months earlier as the buckets span; ' +
        'for shorter buckets the local wall-clock length of the range earlier (a week of days compares with the week before).',
    },
    PREVIOUS_YEAR: {
      description:
        'The same local dates and times a year earlier. Whole months compare with the same months (a leap February with 28 days); ' +
        'Feb 29 compares with Feb 28, as does Feb 28 of the leap year.',
    },
  },
});
