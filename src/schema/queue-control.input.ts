import { Field, InputType } from 'type-graphql';
import { QueueNameValue } from './queue-name.enum';

// Fields shared by the inputs below; type-graphql inherits fields from decorated classes only (the base is never
// referenced, so it is not emitted).
@InputType()
abstract class QueueTargetInput {
  @Field(() => QueueNameValue, { description: 'Which queue.' })
  queue: QueueNameValue;
}

@InputType({ description: 'Stop workers (in every process) from starting jobs of a queue; running jobs finish.' })
export class QueuePauseInput extends QueueTargetInput {}

@InputType({ description: 'Let workers take jobs of a paused queue again.' })
export class QueueResumeInput extends QueueTargetInput {}
