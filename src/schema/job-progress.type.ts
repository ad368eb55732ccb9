import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'What a running job reported last; a file load reports bytes and readings, an extract run its shards, files and readings.',
})
export class JobProgress {
  @Field(() => String, {
    nullable: true,
    description: 'Phase, e.g. checksum, parse, write, done (loads) or extract, finish (an extract run).',
  })
  phase: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Done so far, 0 to 100, from the totals the job reports; null when it reports none.',
  })
  percent: number | null;

  @Field(() => Int, { nullable: true, description: 'Readings parsed (a load) or loaded (an extract) so far.' })
  readings: number | null;

  @Field(() => Int, { nullable: true, description: 'Readings expected in all (an extract).' })
  readingsTotal: number | null;

  @Field(() => Float, { nullable: true, description: 'Bytes of the file read so far (a load).' })
  bytes: number | null;

  @Field(() => Float, { nullable: true, description: 'Size of the file (a load).' })
  bytesTotal: number | null;

  @Field(() => Int, { nullable: true, description: 'Files loaded so far (an extract).' })
  files: number | null;

  @Field(() => Int, { nullable: true, description: 'Files in all, when known in advance.' })
  filesTotal: number | null;

  @Field(() => Int, { nullable: true, description: 'Shards (child jobs) of an extract run.' })
  shards: number | null;

  @Field(() => Int, { nullable: true, description: 'Shards of an extract run loaded so far.' })
  shardsLoaded: number | null;
}
