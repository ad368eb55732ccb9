import { registerEnumType } from 'type-graphql';

export enum ForecastStatus {
  PROJECTED = 'PROJECTED',
  NO_DATA = 'NO_DATA',
  STALE_DATA = 'STALE_DATA',
  TOO_FEW_DAYS = 'TOO_FEW_DAYS',
  LOW_COVERAGE = 'LOW_COVERAGE',
}

registerEnumType(ForecastStatus, {
  name: 'ForecastStatus',
  description:
    'Whether a bill forecast could be projected, and if not why (`projected` is null then, and `reason` says it in words).',
  valuesConfig: {
    PROJECTED: { description: '`projected` holds the projection.' },
    NO_DATA: {
      description:
        'No readings in the cycle so far nor in the 28 days before it (asOf before any data, or none delivered).',
    },
    STALE_DATA: {
      description:
        'The latest reading ended more than 3 days before asOf: readings are missing, not merely not yet delivered.',
    },
    TOO_FEW_DAYS: {
      description: 'Fewer than 3 complete local days of readings in the 4 weeks the projection stands on.',
    },
    LOW_COVERAGE: {
      description:
        'Less than 90% of the expected readings of the cycle so far are in, so the usage so far is understated.',
    },
  },
});
