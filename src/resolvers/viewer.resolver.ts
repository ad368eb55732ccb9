import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { Viewer } from '../schema/viewer.type';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { nullable: true, description: 'The signed-in principal, or null without a valid bearer token.' })
  viewer(@Ctx() { principal }: GraphQLContext): Viewer | null {
    if (!principal) return null;
    return Object.assign(new Viewer(), principal);
  }
}
