import { Field, ID, InputType } from 'type-graphql';
import { WebhookEventValue, WebhookFormatValue } from './webhook.enums';

@InputType({ description: 'A webhook endpoint, or a Green Button third party (format ESPI_BATCHLIST), to register.' })
export class WebhookEndpointCreateInput {
  @Field(() => String, { description: 'http(s) URL under one of WEBHOOK_URLS (same origin, path at or below it).' })
  url: string;

  @Field(() => [WebhookEventValue], {
    description: 'The event kinds to send it (a Green Button third party: USAGE_LOADED and USAGE_REVISED only).',
  })
  events: WebhookEventValue[];

  @Field(() => [ID], { nullable: true, description: 'Only events of these customers; left out: every customer.' })
  customerIds?: string[] | null;

  @Field(() => WebhookFormatValue, { nullable: true, description: 'JSON (default) or ESPI_BATCHLIST.' })
  format?: WebhookFormatValue | null;
}

// type-graphql inherits fields from decorated classes only (the base is never referenced, so it is not emitted).
@InputType()
abstract class WebhookEndpointTargetInput {
  @Field(() => ID, { description: 'The endpoint.' })
  id: string;
}

@InputType({ description: 'Send an endpoint nothing more; its pending deliveries fail (they can be replayed).' })
export class WebhookEndpointDisableInput extends WebhookEndpointTargetInput {}

@InputType({ description: 'Give an endpoint a new signing secret; deliveries signed from now on use it.' })
export class WebhookEndpointRotateSecretInput extends WebhookEndpointTargetInput {}

@InputType({ description: 'Post a delivered or failed delivery again, same event id and body.' })
export class WebhookDeliveryReplayInput {
  @Field(() => ID, { description: 'The delivery.' })
  id: string;
}
