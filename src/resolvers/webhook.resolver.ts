import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Outcome } from '../services/webhooks/webhook-admin';
import type { WebhookEndpointRecord } from '../services/webhooks/records';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { WebhookDeliveryConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { userErrorsOf } from '../schema/graphql-errors';
import { WebhookDeliveriesArgs } from '../schema/webhook-deliveries.args';
import { WebhookDelivery } from '../schema/webhook-delivery.type';
import { WebhookEndpoint } from '../schema/webhook-endpoint.type';
import {
  WebhookDeliveryReplayInput,
  WebhookEndpointCreateInput,
  WebhookEndpointDisableInput,
  WebhookEndpointRotateSecretInput,
} from '../schema/webhook.input';
import {
  WebhookDeliveryReplayPayload,
  WebhookEndpointCreatePayload,
  WebhookEndpointDisablePayload,
  WebhookEndpointRotateSecretPayload,
} from '../schema/webhook.payload';

function withEndpoint<P extends { endpoint: WebhookEndpoint | null }>(
  payload: P,
  { value, refusals }: Outcome<WebhookEndpointRecord>,
): P {
  return Object.assign(payload, {
    endpoint: value ? WebhookEndpoint.from(value) : null,
    userErrors: userErrorsOf(refusals),
  });
}

@Resolver()
export class WebhookResolver {
  @Query(() => [WebhookEndpoint], {
    description:
      'OPS and ADMIN: every webhook endpoint and Green Button third party, oldest first (secrets are not shown).',
  })
  async webhookEndpoints(@Ctx() { services }: GraphQLContext): Promise<WebhookEndpoint[]> {
    return (await services.webhooks.endpoints()).map(WebhookEndpoint.from);
  }

  @Query(() => WebhookDeliveryConnection, {
    complexity: pageCost,
    description: 'OPS and ADMIN: the delivery log, newest first, with every attempt.',
  })
  async webhookDeliveries(
    @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    return connectionFrom(await services.webhooks.deliveries(args), WebhookDelivery.from);
  }

  @Mutation(() => WebhookEndpointCreatePayload, {
    description:
      'ADMIN: register a webhook endpoint or a Green Button third party; its signing secret is in this answer only.',
  })
  async webhookEndpointCreate(
    @Arg('input', () => WebhookEndpointCreateInput) input: WebhookEndpointCreateInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<WebhookEndpointCreatePayload> {
    return withEndpoint(new WebhookEndpointCreatePayload(), await services.webhooks.create(input));
  }

  @Mutation(() => WebhookEndpointDisablePayload, { description: 'ADMIN: send an endpoint nothing more.' })
  async webhookEndpointDisable(
    @Arg('input', () => WebhookEndpointDisableInput) input: WebhookEndpointDisableInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<WebhookEndpointDisablePayload> {
    return withEndpoint(new WebhookEndpointDisablePayload(), await services.webhooks.disable(input.id));
  }

  @Mutation(() => WebhookEndpointRotateSecretPayload, {
    description: 'ADMIN: a new signing secret for an endpoint, in this answer only.',
  })
  async webhookEndpointRotateSecret(
    @Arg('input', () => WebhookEndpointRotateSecretInput) input: WebhookEndpointRotateSecretInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<WebhookEndpointRotateSecretPayload> {
    return withEndpoint(new WebhookEndpointRotateSecretPayload(), await services.webhooks.rotateSecret(input.id));
  }

  @Mutation(() => WebhookDeliveryReplayPayload, {
    description: 'ADMIN: post a delivered or failed delivery again (same event id), with a fresh retry schedule.',
  })
  async webhookDeliveryReplay(
    @Arg('input', () => WebhookDeliveryReplayInput) input: WebhookDeliveryReplayInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<WebhookDeliveryReplayPayload> {
    const { value, refusals } = await services.webhooks.replay(input.id);
    return Object.assign(new WebhookDeliveryReplayPayload(), {
      delivery: value ? WebhookDelivery.from(value) : null,
      userErrors: userErrorsOf(refusals),
    });
  }
}
