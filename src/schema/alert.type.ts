import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { AlertRecord } from '../services/alerts/records';
import { AlertKind } from './alert-kind.enum';
import { DecimalScalar } from './decimal.scalar';
import { Node } from './node.interface';

@ObjectType({
  implements: Node,
  description: "One crossing of an alert rule's threshold: a rule raises at most one per period.",
})
export class Alert extends Node {
  usagePointKey: string;
  ruleKey: string | null;

  @Field(() => AlertKind, { description: 'The kind of the rule that raised it.' })
  kind: AlertKind;

  @Field(() => Date, {
    description:
      'Start of the period that crossed: a local day, an ISO week, a billing cycle, or where readings stopped (DATA_MISSING).',
  })
  periodStart: Date;

  @Field(() => Date, { description: 'End of the period (exclusive); for DATA_MISSING, when the gap was found.' })
  periodEnd: Date;

  @Field(() => DecimalScalar, {
    description:
      'The figure that crossed: usage, cost, projected cost, or days without readings, when the alert was raised.',
  })
  value: string;

  @Field(() => DecimalScalar, {
    description: "The rule's threshold (days for DATA_MISSING) when the alert was raised.",
  })
  threshold: string;

  @Field(() => Date, { description: 'When the alert was raised.' })
  raisedAt: Date;

  static from(record: AlertRecord): Alert {
    return Object.assign(new Alert(), {
      id: toGlobalId('Alert', record.id),
      usagePointKey: record.usagePointId,
      ruleKey: record.ruleId,
      kind: record.kind as AlertKind,
      periodStart: record.periodStart,
      periodEnd: record.periodEnd,
      value: record.value,
      threshold: record.threshold,
      raisedAt: record.raisedAt,
    });
  }
}
