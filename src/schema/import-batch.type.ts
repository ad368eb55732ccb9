import { Field, Int, ObjectType } from 'type-graphql';
import { toGlobalId } from '../services/access/global-id';
import type { ImportBatchRecord } from '../services/ops/records';
import { ImportBatchStatus } from './import-batch-status.enum';
import { ImportSourceValue } from './import-source.enum';
import { Node } from './node.interface';

@ObjectType({
  implements: Node,
  description:
    'The load of one file (one row per attempt chain): its outcome, counts, warnings and errors. No customer data.',
})
export class ImportBatch extends Node {
  /** The record, for field resolvers. */
  record: ImportBatchRecord;

  @Field(() => String, { description: 'Batch number, as in the logs (batchId) and in revision rows.' })
  batchId: string;

  @Field(() => ImportSourceValue, { description: 'How the file reached the loader.' })
  source: ImportSourceValue;

  @Field(() => String, { nullable: true, description: 'File name, without its directory.' })
  fileName: string | null;

  @Field(() => String, { nullable: true, description: 'sha256 of the file, lowercase hex.' })
  checksum: string | null;

  @Field(() => Boolean, { description: 'A reload of bytes already loaded (--force / force: true).' })
  forced: boolean;

  @Field(() => ImportBatchStatus, { description: 'Where the load stands.' })
  status: ImportBatchStatus;

  @Field(() => Int, { description: 'Usage points in the file.' })
  usagePoints: number;

  @Field(() => Int, { description: 'Meter readings (series) in the file.' })
  meterReadings: number;

  @Field(() => Int, { description: 'Interval readings accepted from the file.' })
  readings: number;

  @Field(() => Int, { description: 'Readings that were new.' })
  inserted: number;

  @Field(() => Int, { description: 'Readings whose value, cost or quality changed.' })
  updated: number;

  @Field(() => Int, { description: 'Readings already stored exactly as in the file.' })
  unchanged: number;

  @Field(() => Int, { description: 'Readings refused (no value, a local time that does not exist…).' })
  rejected: number;

  @Field(() => [String], {
    description:
      'Accepted with a remark: gaps, DST anomalies, records that could not be placed… (repeats of one kind are capped by the reader).',
  })
  warnings: string[];

  @Field(() => [String], {
    description: 'Why the file or some of its readings were refused, or the fault that failed the load.',
  })
  errors: string[];

  @Field(() => Date, { description: 'When the batch was recorded.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its latest attempt started.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was loaded, rejected or failed.' })
  finishedAt: Date | null;

  static from(record: ImportBatchRecord): ImportBatch {
    const { id, source, status, jobId: _job, ...fields } = record;
    return Object.assign(new ImportBatch(), fields, {
      id: toGlobalId('ImportBatch', id),
      batchId: id,
      record,
      source: source as ImportSourceValue,
      status: status as ImportBatchStatus,
    });
  }
}
