import { ArgsType, Field, ID } from 'type-graphql';
import { ConnectionArgs } from './connection.args';
import { WebhookDeliveryStatusValue } from './webhook.enums';

@ArgsType()
export class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'Only deliveries to this endpoint.' })
  endpoint?: string | null;

  @Field(() => WebhookDeliveryStatusValue, { nullable: true, description: 'Only deliveries in this status.' })
  status?: WebhookDeliveryStatusValue | null;
}
