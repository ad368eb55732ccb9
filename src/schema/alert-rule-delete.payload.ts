import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from './user-error.type';

@ObjectType({ description: 'Result of alertRuleDelete.' })
export class AlertRuleDeletePayload {
  @Field(() => ID, {
    nullable: true,
    description:
      'Global id of the rule deleted; null when userErrors say why not. Its alerts stay, without their rule.',
  })
  deletedRuleId: string | null;

  @Field(() => [UserError], {
    description: 'NOT_FOUND when no rule the caller may manage has this id; empty on success.',
  })
  userErrors: UserError[];
}
