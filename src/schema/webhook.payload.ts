import { Field, ObjectType } from 'type-graphql';
import { UserError } from './user-error.type';
import { WebhookDelivery } from './webhook-delivery.type';
import { WebhookEndpoint } from './webhook-endpoint.type';

// type-graphql inherits fields from decorated classes only (the base is never referenced, so it is not emitted).
@ObjectType()
abstract class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint after the mutation; null when refused.' })
  endpoint: WebhookEndpoint | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors: UserError[];
}

@ObjectType({ description: 'Result of webhookEndpointCreate: the endpoint with its secret, shown this once.' })
export class WebhookEndpointCreatePayload extends WebhookEndpointPayload {}

@ObjectType({ description: 'Result of webhookEndpointDisable.' })
export class WebhookEndpointDisablePayload extends WebhookEndpointPayload {}

@ObjectType({
  description: 'Result of webhookEndpointRotateSecret: the endpoint with its new secret, shown this once.',
})
export class WebhookEndpointRotateSecretPayload extends WebhookEndpointPayload {}

@ObjectType({ description: 'Result of webhookDeliveryReplay.' })
export class WebhookDeliveryReplayPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: 'The delivery, pending again; null when refused.' })
  delivery: WebhookDelivery | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors: UserError[];
}
