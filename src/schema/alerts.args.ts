import { ArgsType, Field, ID } from 'type-graphql';
import { ConnectionArgs } from './connection.args';

@ArgsType()
export class AlertsArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: "Only this usage point's alerts." })
  usagePointId?: string | null;
}
