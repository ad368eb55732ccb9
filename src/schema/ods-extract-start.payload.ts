import { Field, ID, ObjectType } from 'type-graphql';
import { UserError } from './user-error.type';

@ObjectType({ description: 'Result of odsExtractStart.' })
export class OdsExtractStartPayload {
  @Field(() => ID, { nullable: true, description: 'The queued extract job (ods-extract queue).' })
  jobId?: string;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors: UserError[];
}
