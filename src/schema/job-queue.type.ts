import { Field, ObjectType } from 'type-graphql';
import { QueueNameValue } from './queue-name.enum';

@ObjectType({
  description: 'A BullMQ queue: its jobs by state, whether it is paused, its throughput and its schedulers.',
})
export class JobQueue {
  @Field(() => QueueNameValue, { description: 'Which queue.' })
  name: QueueNameValue;

  static of(name: QueueNameValue): JobQueue {
    return Object.assign(new JobQueue(), { name });
  }
}
