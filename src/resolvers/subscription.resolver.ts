import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { Alert } from '../schema/alert.type';
import type { GraphQLContext } from '../schema/context';
import { graphqlErrorOf } from '../schema/graphql-errors';
import { UsageUpdate } from '../schema/usage-update.type';
import type { AlertRecord } from '../services/alerts/records';
import { DomainError } from '../services/errors';
import type { UsageUpdateRecord } from '../services/events/usage-updates';
import type { RequestServices } from '../services/request-services';

type UsagePointStream = (services: RequestServices, usagePointId: string) => Promise<AsyncIterableIterator<unknown>>;

// Subscriptions run over WebSocket (src/http/subscriptions.ts). Their field middleware only wraps each event's
// resolve, so a service's refusal at subscribe time is turned into the field's GraphQL error here.
const subscribeTo =
  (stream: UsagePointStream) =>
  async ({ args, context, info }: SubscribeResolverData<unknown, { usagePointId: string }, GraphQLContext>) => {
    try {
      return await stream(context.services, args.usagePointId);
    } catch (error) {
      throw error instanceof DomainError ? graphqlErrorOf(error, [info.fieldName]) : error;
    }
  };

const OVER_WEBSOCKET =
  'over WebSocket, graphql-ws protocol, at /graphql. A usage point the caller cannot see is refused with BAD_USER_INPUT.';

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => UsageUpdate, {
    subscribe: subscribeTo((services, id) => services.usageUpdates(id)),
    description: `Each committed load or correction that changes readings of the usage point, once, from the moment of subscribing (${OVER_WEBSOCKET})`,
  })
  usageUpdated(
    @Root() update: UsageUpdateRecord,
    @Arg('usagePointId', () => ID, { description: 'Global id of the usage point.' }) _usagePointId: string,
  ): UsageUpdate {
    return UsageUpdate.from(update);
  }

  @Subscription(() => Alert, {
    subscribe: subscribeTo((services, id) => services.alertsRaised(id)),
    description: `Each alert raised on the usage point by its alert rules, once, from the moment of subscribing (${OVER_WEBSOCKET})`,
  })
  alertRaised(
    @Root() alert: AlertRecord,
    @Arg('usagePointId', () => ID, { description: 'Global id of the usage point.' }) _usagePointId: string,
  ): Alert {
    return Alert.from(alert);
  }
}
