import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What a load of one file did, or would do in a dry run (the CLI `import --json` object).' })
export class ImportReport {
  @Field(() => String, { description: 'loaded, rejected or dry-run.' })
  status: string;

  @Field(() => Int, { description: 'Usage points in the file.' })
  usagePoints: number;

  @Field(() => Int, { description: 'Meter readings (series) in the file.' })
  meterReadings: number;

  @Field(() => Int, { description: 'Interval readings in the file.' })
  readings: number;

  @Field(() => Int, { description: 'Readings that are (or would be) new.' })
  inserted: number;

  @Field(() => Int, { description: 'Readings whose value, cost or quality changes (each leaves a revision).' })
  updated: number;

  @Field(() => Int, { description: 'Readings already stored exactly as in the file.' })
  unchanged: number;

  @Field(() => [String], { description: 'Accepted with a remark: gaps, DST anomalies, missing time parameters…' })
  warnings: string[];

  @Field(() => [String], { description: 'Why the file or some of its readings were refused.' })
  errors: string[];
}
