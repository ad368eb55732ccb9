import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { AlertRuleRecord } from '../services/alerts/records';
import { AlertKind } from './alert-kind.enum';
import { DecimalScalar } from './decimal.scalar';
import { Node } from './node.interface';

@ObjectType({
  implements: Node,
  description: 'A rule on a usage point that raises an Alert when its figure crosses the threshold: once per period.',
})
export class AlertRule extends Node {
  /** Database id of the usage point, for the usagePoint field. */
  usagePointKey: string;

  @Field(() => AlertKind, { description: 'What the rule watches.' })
  kind: AlertKind;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "In the series' unit or the currency; null for DATA_MISSING.",
  })
  threshold: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'DATA_MISSING: days without readings before the alert; null for the other kinds.',
  })
  days: number | null;

  @Field(() => Date, { description: 'When the rule was created.' })
  createdAt: Date;

  static from(record: AlertRuleRecord): AlertRule {
    return Object.assign(new AlertRule(), {
      id: toGlobalId('AlertRule', record.id),
      usagePointKey: record.usagePointId,
      kind: record.kind as AlertKind,
      threshold: record.threshold,
      days: record.days,
      createdAt: record.createdAt,
    });
  }
}
