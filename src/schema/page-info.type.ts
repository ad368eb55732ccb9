import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay page information of a connection.' })
export class PageInfo {
  @Field({
    description:
      'Paging forward (first): true when more items follow the last edge; pass endCursor as `after` to get them. Always false when paging backward.',
  })
  hasNextPage: boolean;

  @Field({
    description:
      'Paging backward (last): true when more items precede the first edge; pass startCursor as `before` to get them. Always false when paging forward.',
  })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor: string | null;
}
