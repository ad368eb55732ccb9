import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Run the ODS extract-and-load now instead of waiting for its schedule.' })
export class OdsExtractStartInput {
  @Field(() => Date, {
    nullable: true,
    description: 'Re-extract reads received since this instant; by default, everything since the last extract.',
  })
  since?: Date;
}
