import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A problem with what a mutation was asked to do, for the user to fix; nothing was changed.',
})
export class UserError {
  @Field(() => String, { description: 'Stable machine-readable code, e.g. FILE_NOT_FOUND.' })
  code: string;

  @Field(() => [String], { description: 'Path of the offending input field, e.g. ["input", "path"].' })
  field: string[];

  @Field(() => String, { description: 'Human-readable explanation.' })
  message: string;
}
