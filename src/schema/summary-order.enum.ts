import { registerEnumType } from 'type-graphql';

export enum SummaryOrder {
  PERIOD_START_ASC = 'PERIOD_START_ASC',
  PERIOD_START_DESC = 'PERIOD_START_DESC',
}

registerEnumType(SummaryOrder, {
  name: 'SummaryOrder',
  description: 'Order of bills (usage summaries).',
  valuesConfig: {
    PERIOD_START_ASC: { description: 'Oldest billing period first (the default).' },
    PERIOD_START_DESC: { description: 'Newest billing period first: the bill history screen.' },
  },
});
