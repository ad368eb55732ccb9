import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Load a file that is already in the portal inbox.' })
export class UsageImportStartInput {
  @Field(() => String, {
    description:
      'Path of the file relative to the inbox (ESPI Atom XML, Green Button CSV or a CIM message); an upload held with ?import=false is held/<name>, and moves into the inbox when loaded.',
  })
  path: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Reload even if the same bytes were loaded before.' })
  force: boolean;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Report what the load would change without writing anything; answered at once.',
  })
  dryRun: boolean;
}
