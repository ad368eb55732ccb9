import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs } from './connection.args';
import { JobStateValue } from './job-state.enum';

@ArgsType()
export class JobsArgs extends ConnectionArgs {
  @Field(() => JobStateValue, { description: 'Which jobs: those in this state, newest first.' })
  state: JobStateValue;
}
