import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AlertRule } from '../schema/alert-rule.type';
import { AlertRuleCreateInput } from '../schema/alert-rule-create.input';
import { AlertRuleCreatePayload } from '../schema/alert-rule-create.payload';
import { AlertRuleDeletePayload } from '../schema/alert-rule-delete.payload';
import { Alert } from '../schema/alert.type';
import { AlertsArgs } from '../schema/alerts.args';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { AlertConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { userErrorsOf } from '../schema/graphql-errors';
import { UsagePoint } from '../schema/usage-point.type';
import { toGlobalId } from '../services/access/global-id';

@Resolver(() => AlertRule)
export class AlertRuleResolver {
  @Mutation(() => AlertRuleCreatePayload, {
    description: 'CUSTOMER (its own usage points), CSR and ADMIN: a new alert rule; at most 20 per usage point.',
  })
  async alertRuleCreate(
    @Arg('input', () => AlertRuleCreateInput) input: AlertRuleCreateInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<AlertRuleCreatePayload> {
    const { rule, refusals } = await services.alertRules.create(input);
    return Object.assign(new AlertRuleCreatePayload(), {
      rule: rule ? AlertRule.from(rule) : null,
      userErrors: userErrorsOf(refusals),
    });
  }

  @Mutation(() => AlertRuleDeletePayload, {
    description: 'CUSTOMER (its own), CSR and ADMIN: deletes an alert rule; the alerts it raised stay.',
  })
  async alertRuleDelete(
    @Arg('id', () => ID, { description: 'Global id of the rule.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<AlertRuleDeletePayload> {
    const { deletedId, refusals } = await services.alertRules.delete(id);
    return Object.assign(new AlertRuleDeletePayload(), {
      deletedRuleId: deletedId ? toGlobalId('AlertRule', deletedId) : null,
      userErrors: refusals.map(({ code, argument, message }) => ({ code, field: [argument], message })),
    });
  }

  @Query(() => [AlertRule], {
    description:
      "Alert rules, oldest first: a usage point's, or without usagePointId all of a CUSTOMER's own (staff name the usage point).",
  })
  async alertRules(
    @Arg('usagePointId', () => ID, { nullable: true, description: 'Global id of a usage point.' })
    usagePointId: string | null,
    @Ctx() { services }: GraphQLContext,
  ): Promise<AlertRule[]> {
    return (await services.alertRules.rules(usagePointId)).map(AlertRule.from);
  }

  @FieldResolver(() => UsagePoint, { nullable: true, description: 'The usage point the rule watches.' })
  async usagePoint(@Root() rule: AlertRule, @Ctx() { services }: GraphQLContext): Promise<UsagePoint | null> {
    const record = await services.directory.usagePoint(rule.usagePointKey);
    return record && UsagePoint.from(record);
  }
}

@Resolver(() => Alert)
export class AlertResolver {
  @Query(() => AlertConnection, {
    complexity: pageCost,
    description: "Raised alerts, newest first: a CUSTOMER's own, staff every customer's (or one usage point's).",
  })
  async alerts(
    @Args(() => AlertsArgs) args: AlertsArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<Alert>> {
    return connectionFrom(await services.alertRules.alerts(args), Alert.from);
  }

  @FieldResolver(() => UsagePoint, { nullable: true, description: 'The usage point whose figure crossed.' })
  async usagePoint(@Root() alert: Alert, @Ctx() { services }: GraphQLContext): Promise<UsagePoint | null> {
    const record = await services.directory.usagePoint(alert.usagePointKey);
    return record && UsagePoint.from(record);
  }

  @FieldResolver(() => AlertRule, {
    nullable: true,
    description: 'The rule that raised it; null once the rule was deleted.',
  })
  async rule(@Root() alert: Alert, @Ctx() { services }: GraphQLContext): Promise<AlertRule | null> {
    const record = alert.ruleKey ? await services.alertRules.rule(alert.ruleKey) : null;
    return record && AlertRule.from(record);
  }
}
