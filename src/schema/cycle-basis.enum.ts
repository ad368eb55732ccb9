import { registerEnumType } from 'type-graphql';

export enum CycleBasis {
  LAST_BILL = 'LAST_BILL',
  CALENDAR_MONTH = 'CALENDAR_MONTH',
}

registerEnumType(CycleBasis, {
  name: 'CycleBasis',
  description: 'How the open billing cycle of a forecast was found.',
  valuesConfig: {
    LAST_BILL: {
      description:
        'Monthly from the end of the latest bill that ended at or before asOf (its day of the month and clock time).',
    },
    CALENDAR_MONTH: { description: 'The usage point has no such bill: the local calendar month of asOf.' },
  },
});
