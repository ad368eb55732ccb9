import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';
import type { LineItemRecord } from '../services/customers/records';
import { COST_EXPONENT, formatScaled } from '../services/usage/decimal';
import { DecimalScalar } from './decimal.scalar';
import { Measurement } from './measurement.type';

const money = (raw: string | null) => (raw === null ? null : formatScaled(BigInt(raw), COST_EXPONENT));

@ObjectType({ description: 'One line of a bill: a charge, credit or tax of a usage summary.' })
export class LineItem {
  @Field(() => DecimalScalar, { description: "Amount in the summary's currency, exact." })
  amount: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Rounding applied to the amount, when given.' })
  rounding: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Unit cost (price per unit of the measurement), when given.',
  })
  unitCost: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the line item was determined; null when the bill does not say (optional in ESPI).',
  })
  dateTime: Date | null;

  @Field(() => String, { nullable: true, description: 'Description for the customer, e.g. "Energy charge tier 1".' })
  note: string | null;

  @Field(() => Int, { nullable: true, description: 'ESPI ItemKind code (charge, tax, credit…), when given.' })
  itemKind: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Start of the period the item covers, when given.' })
  periodStart: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'End of the period the item covers, when given.' })
  periodEnd: Date | null;

  @Field(() => Measurement, { nullable: true, description: 'Quantity the item charges for, when given.' })
  measurement: Measurement | null;

  static from(record: LineItemRecord): LineItem {
    const periodStart = record.itemPeriodStart;
    return Object.assign(new LineItem(), {
      amount: money(record.amount) as string,
      rounding: money(record.rounding),
      unitCost: money(record.unitCost),
      dateTime: record.dateTime,
      note: record.note,
      itemKind: record.itemKind,
      periodStart,
      periodEnd:
        periodStart && record.itemPeriodDuration !== null
          ? new Date(periodStart.getTime() + record.itemPeriodDuration * 1000)
          : null,
      measurement: Measurement.of(record.measurementValue, record.measurementMultiplier, record.measurementUom),
    });
  }
}
