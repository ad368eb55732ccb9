import { Field, ID, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { WebhookAttemptRecord, WebhookDeliveryRecord } from '../services/webhooks/records';
import { Node } from './node.interface';
import { WebhookDeliveryStatusValue, WebhookEventValue } from './webhook.enums';

@ObjectType({ description: 'One POST of a delivery.' })
export class WebhookAttempt {
  @Field(() => Date)
  attemptedAt: Date;

  @Field(() => Int, { description: 'Milliseconds from connecting to the end of the answer (or the error).' })
  durationMs: number;

  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status the endpoint answered; null when it did not (error says why).',
  })
  statusCode: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why there was no answer (refused, timed out, endpoint disabled).',
  })
  error: string | null;

  static from(record: WebhookAttemptRecord): WebhookAttempt {
    return Object.assign(new WebhookAttempt(), { ...record, attemptedAt: new Date(record.attemptedAt) });
  }
}

@ObjectType({
  implements: Node,
  description: 'An event (a BatchList: the events of one relay run) for one endpoint, and every attempt at posting it.',
})
export class WebhookDelivery extends Node {
  @Field(() => ID, { description: 'The endpoint.' })
  endpointId: string;

  @Field(() => String, {
    description:
      "The event id receivers see (the body's id and the X-Usage-Portal-Event-Id header); for a BatchList, its first event.",
  })
  eventId: string;

  @Field(() => [String], { description: "Every event it carries: one, or a BatchList's." })
  eventIds: string[];

  @Field(() => WebhookEventValue, { description: 'Kind of its (first) event.' })
  kind: WebhookEventValue;

  @Field(() => WebhookDeliveryStatusValue)
  status: WebhookDeliveryStatusValue;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was delivered or failed for good.' })
  finishedAt: Date | null;

  @Field(() => [WebhookAttempt], { description: 'Every attempt, oldest first, replays included.' })
  attempts: WebhookAttempt[];

  static from(record: WebhookDeliveryRecord): WebhookDelivery {
    return Object.assign(new WebhookDelivery(), {
      ...record,
      id: toGlobalId('WebhookDelivery', record.id),
      endpointId: toGlobalId('WebhookEndpoint', record.endpointId),
      kind: record.kind as WebhookEventValue,
      status: record.status as WebhookDeliveryStatusValue,
      attempts: record.attempts.map(WebhookAttempt.from),
    });
  }
}
