import { Field, ID, InterfaceType } from 'type-graphql';
import { fromGlobalId } from '../services/access/global-id';

/** The type is inside the global id; resolving it from there needs no class instances from resolvers. */
export const resolveNodeType = (value: { id: string }) => fromGlobalId(value.id)?.type;

@InterfaceType({
  description: 'An object with an opaque global id, fetchable with `node(id:)`.',
  resolveType: resolveNodeType,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id. Stable across requests; do not parse it.' })
  id: string;
}
