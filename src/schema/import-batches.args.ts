import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs } from './connection.args';
import { ImportBatchStatus } from './import-batch-status.enum';
import { ImportSourceValue } from './import-source.enum';

@ArgsType()
export class ImportBatchesArgs extends ConnectionArgs {
  @Field(() => ImportBatchStatus, { nullable: true, description: 'Only batches in this status.' })
  status?: ImportBatchStatus | null;

  @Field(() => ImportSourceValue, { nullable: true, description: 'Only batches from this source.' })
  source?: ImportSourceValue | null;

  @Field(() => Date, { nullable: true, description: 'Only batches created at or after this instant.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only batches created before this instant.' })
  to?: Date | null;
}
