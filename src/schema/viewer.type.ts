import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.enum';

@ObjectType({ description: 'The signed-in principal making the request.' })
export class Viewer {
  @Field(() => String, { description: "Subject of the access token (the identity provider's user id)." })
  subject: string;

  @Field(() => Role, { description: 'Role granted by the access token.' })
  role: Role;

  @Field(() => ID, { nullable: true, description: 'Global id of the customer a CUSTOMER principal acts for.' })
  customerId?: string;
}
