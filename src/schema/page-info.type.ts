import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay page information of a connection.' })
export class PageInfo {
  @Field({ description: 'True when more items follow the last edge: pass endCursor as `after` to get them.' })
  hasNextPage: boolean;

  @Field({ description: 'Always false: connections page forward only (keyset pagination with `first`/`after`).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor: string | null;
}
