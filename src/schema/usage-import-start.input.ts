import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Load a file that is already in the portal inbox.' })
export class UsageImportStartInput {
  @Field(() => String, { description: 'Path of the file relative to the inbox (ESPI Atom XML or Green Button CSV).' })
  path: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Reload even if the same bytes were loaded before.' })
  force: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Report what the load would change without writing anything; answered at once.' })
  dryRun: boolean;
}
