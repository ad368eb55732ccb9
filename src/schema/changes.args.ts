import { ArgsType, Field, Int } from 'type-graphql';
import { DateTimeScalar } from './date-time.scalar';

// Feeds are read forward: a client keeps the last cursor and asks for what came after it.
@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { description: 'This many items, 1 to 100, from the start or after `after`.' })
  first: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor after which the page starts (`pageInfo.endCursor` of the previous page).',
  })
  after?: string | null;
}

@ArgsType()
export class ChangesArgs extends ForwardPageArgs {
  @Field(() => DateTimeScalar, { description: 'Changes committed at or after this instant.' })
  since: Date;
}
