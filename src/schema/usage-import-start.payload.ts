import { Field, ID, ObjectType } from 'type-graphql';
import { ImportReport } from './import-report.type';
import { UserError } from './user-error.type';

@ObjectType({ description: 'Result of usageImportStart.' })
export class UsageImportStartPayload {
  @Field(() => ID, {
    nullable: true,
    description: 'The queued import job (imports queue), when one was queued; follow it on /admin/queues.',
  })
  jobId?: string;

  @Field(() => ImportReport, { nullable: true, description: 'For a dry run: what the load would do.' })
  dryRun?: ImportReport;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors: UserError[];
}
