import { ArgsType, Field, Int } from 'type-graphql';

// Relay's paging arguments: exactly one of first and last; cursors of either direction serve both.
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Page forward: this many items, 1 to 100, from the start or after `after`. Give first or last.',
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor after which the page starts (`pageInfo.endCursor` of the previous page).',
  })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Page backward: the last this many items, 1 to 100, at the end or before `before`. Give first or last.',
  })
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor before which the page ends (`pageInfo.startCursor` of the following page).',
  })
  before?: string | null;
}
