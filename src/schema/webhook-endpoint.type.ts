import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { WebhookEndpointRecord } from '../services/webhooks/records';
import { Node } from './node.interface';
import { WebhookEventValue, WebhookFormatValue } from './webhook.enums';

@ObjectType({
  implements: Node,
  description: 'Where events are pushed: a webhook endpoint, or the notify URI of a Green Button third party.',
})
export class WebhookEndpoint extends Node {
  @Field(() => String, { description: 'The URL posted to (under WEBHOOK_URLS).' })
  url: string;

  @Field(() => WebhookFormatValue, { description: 'What it is sent.' })
  format: WebhookFormatValue;

  @Field(() => [WebhookEventValue], { description: 'The event kinds it takes.' })
  events: WebhookEventValue[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Only events of these customers; null: of every customer, and those of none (IMPORT_FAILED).',
  })
  customerIds: string[] | null;

  @Field(() => Boolean, { description: 'False once disabled: it is sent nothing more.' })
  enabled: boolean;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'The signing secret: only in the answer of webhookEndpointCreate and webhookEndpointRotateSecret, null everywhere else.',
  })
  secret: string | null;

  static from(record: WebhookEndpointRecord): WebhookEndpoint {
    return Object.assign(new WebhookEndpoint(), {
      id: toGlobalId('WebhookEndpoint', record.id),
      url: record.url,
      format: record.format as WebhookFormatValue,
      events: record.events as WebhookEventValue[],
      customerIds: record.customerIds && record.customerIds.map((id) => toGlobalId('Customer', id)),
      enabled: record.enabled,
      createdAt: record.createdAt,
      secret: record.secret ?? null,
    });
  }
}
