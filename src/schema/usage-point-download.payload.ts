import { Field, ObjectType } from 'type-graphql';
import { UserError } from './user-error.type';

@ObjectType({ description: 'Result of usagePointDownload: a short-lived signed URL to fetch the file from.' })
export class UsagePointDownloadPayload {
  @Field(() => String, {
    nullable: true,
    description:
      'GET this URL (relative to the API origin, no token needed) before expiresAt; it grants exactly this export.',
  })
  url?: string;

  @Field(() => Date, { nullable: true, description: 'When the URL stops working.' })
  expiresAt?: Date;

  @Field(() => String, { nullable: true, description: 'Name the file is served under (Content-Disposition).' })
  fileName?: string;

  @Field(() => [UserError], { description: 'Problems with the input (codes BAD_USER_INPUT); empty on success.' })
  userErrors: UserError[];
}
