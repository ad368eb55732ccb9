import { Field, ID, InputType, Int } from 'type-graphql';
import { AlertKind } from './alert-kind.enum';
import { DecimalScalar } from './decimal.scalar';

@InputType({ description: 'A new alert rule on a usage point the caller may manage (a CUSTOMER its own).' })
export class AlertRuleCreateInput {
  @Field(() => ID, { description: 'Global id of the usage point.' })
  usagePointId: string;

  @Field(() => AlertKind, { description: 'What the rule watches.' })
  kind: AlertKind;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "Every kind but DATA_MISSING: a positive decimal (at most 12 digits before the point and 5 after) in the series' unit or the currency.",
  })
  threshold?: string | null;

  @Field(() => Int, { nullable: true, description: 'DATA_MISSING only: days without readings, 1 to 365.' })
  days?: number | null;
}
