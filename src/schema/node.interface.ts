import { Field, ID, InterfaceType } from 'type-graphql';
import { fromGlobalId } from '../services/access/global-id';

@InterfaceType({
  description: 'An object with an opaque global id, fetchable with `node(id:)`.',
  // The type is inside the global id; resolving it from there needs no class instances from resolvers.
  resolveType: (value: { id: string }) => fromGlobalId(value.id)?.type,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id. Stable across requests; do not parse it.' })
  id: string;
}
