import { DateTimeScalar } from './date-time.scalar';
import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { UsageSummaryRecord } from '../services/customers/records';
import { COST_EXPONENT, formatScaled } from '../services/usage/decimal';
import { currencyOf } from '../services/usage/reading-codes';
import { DecimalScalar } from './decimal.scalar';
import { Measurement } from './measurement.type';
import { Node } from './node.interface';

const money = (raw: string | null) => (raw === null ? null : formatScaled(BigInt(raw), COST_EXPONENT));

@ObjectType({
  implements: Node,
  description: 'A bill: the summary of one billing period of a usage point (ESPI UsageSummary).',
})
export class UsageSummary extends Node {
  key: string;
  /** The row it shows, for the fields computed from it (reconciliation). */
  record: UsageSummaryRecord;

  @Field(() => DateTimeScalar, { description: 'Start of the billing period.' })
  billingPeriodStart: Date;

  @Field(() => DateTimeScalar, { description: 'End of the billing period.' })
  billingPeriodEnd: Date;

  @Field(() => DecimalScalar, { nullable: true, description: 'Amount billed for the period, in `currency`.' })
  billLastPeriod: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Amount billed so far in the current period, in `currency`.',
  })
  billToDate: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Additional costs of the period, in `currency`.' })
  costAdditionalLastPeriod: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the amounts.' })
  currency: string | null;

  @Field(() => Measurement, { nullable: true, description: 'Consumption of the billing period.' })
  consumption: Measurement | null;

  @Field(() => Measurement, { nullable: true, description: 'Consumption so far in the current billing period.' })
  currentPeriodConsumption: Measurement | null;

  @Field(() => Int, { nullable: true, description: 'ESPI quality of the summary readings, when given.' })
  qualityOfReading: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the utility produced the summary.' })
  statusTimeStamp: Date | null;

  @Field(() => String, { nullable: true, description: 'Read cycle as received.' })
  readCycle: string | null;

  @Field(() => String, { nullable: true, description: 'Tariff as received.' })
  tariffProfile: string | null;

  static from(r: UsageSummaryRecord): UsageSummary {
    return Object.assign(new UsageSummary(), {
      id: toGlobalId('UsageSummary', r.usagePointId, r.id),
      key: r.id,
      record: r,
      billingPeriodStart: r.billingPeriodStart,
      billingPeriodEnd: new Date(r.billingPeriodStart.getTime() + r.billingPeriodDuration * 1000),
      billLastPeriod: money(r.billLastPeriod),
      billToDate: money(r.billToDate),
      costAdditionalLastPeriod: money(r.costAdditionalLastPeriod),
      currency: currencyOf(r.currency),
      consumption: Measurement.of(
        r.overallConsumptionLastPeriodValue,
        r.overallConsumptionLastPeriodMultiplier,
        r.overallConsumptionLastPeriodUom,
      ),
      currentPeriodConsumption: Measurement.of(
        r.currentBillingPeriodOverAllConsumptionValue,
        r.currentBillingPeriodOverAllConsumptionMultiplier,
        r.currentBillingPeriodOverAllConsumptionUom,
      ),
      qualityOfReading: r.qualityOfReading,
      statusTimeStamp: r.statusTimeStamp,
      readCycle: r.readCycle,
      tariffProfile: r.tariffProfile,
    });
  }
}
