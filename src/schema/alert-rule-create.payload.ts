import { Field, ObjectType } from 'type-graphql';
import { AlertRule } from './alert-rule.type';
import { UserError } from './user-error.type';

@ObjectType({ description: 'Result of alertRuleCreate.' })
export class AlertRuleCreatePayload {
  @Field(() => AlertRule, { nullable: true, description: 'The rule created; null when userErrors say why not.' })
  rule: AlertRule | null;

  @Field(() => [UserError], {
    description:
      'Problems with the input (INVALID_INPUT naming the field, NOT_FOUND for a usage point the caller may not manage); empty on success.',
  })
  userErrors: UserError[];
}
