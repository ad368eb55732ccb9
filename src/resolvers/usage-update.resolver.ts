import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { graphqlErrorOf } from '../schema/graphql-errors';
import { UsageUpdate } from '../schema/usage-update.type';
import { DomainError } from '../services/errors';
import type { UsageUpdateRecord } from '../services/events/usage-updates';

// Subscriptions run over WebSocket (src/http/subscriptions.ts). Their field middleware only wraps each event's
// resolve, so a service's refusal at subscribe time is turned into the field's GraphQL error here.
async function subscribeUsage({ args, context, info }: SubscribeResolverData<unknown, { usagePointId: string }, GraphQLContext>) {
  try {
    return await context.services.usageUpdates(args.usagePointId);
  } catch (error) {
    throw error instanceof DomainError ? graphqlErrorOf(error, [info.fieldName]) : error;
  }
}

@Resolver()
export class UsageUpdateResolver {
  @Subscription(() => UsageUpdate, {
    subscribe: subscribeUsage,
    description:
      'Each committed load or correction that changes readings of the usage point, once, from the moment of subscribing (over WebSocket, ' +
      'graphql-ws protocol, at /graphql). A usage point the caller cannot see is refused with BAD_USER_INPUT.',
  })
  usageUpdated(@Root() update: UsageUpdateRecord, @Arg('usagePointId', () => ID, { description: 'Global id of the usage point.' }) _usagePointId: string): UsageUpdate {
    return UsageUpdate.from(update);
  }
}
