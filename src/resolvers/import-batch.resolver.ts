import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { idOf } from '../services/access/global-id';
import { pageCost } from '../schema/complexity';
import { connectionFrom, type ConnectionShape } from '../schema/connection';
import { ImportBatchConnection } from '../schema/connections';
import type { GraphQLContext } from '../schema/context';
import { ImportBatch } from '../schema/import-batch.type';
import { ImportBatchesArgs } from '../schema/import-batches.args';
import { Job } from '../schema/job.type';

@Resolver(() => ImportBatch)
export class ImportBatchResolver {
  @Query(() => ImportBatchConnection, {
    complexity: pageCost,
    description: 'OPS and ADMIN: loads of files, newest first, filtered by status, source and creation time.',
  })
  async importBatches(
    @Args(() => ImportBatchesArgs) args: ImportBatchesArgs,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ConnectionShape<ImportBatch>> {
    return connectionFrom(await services.ops.importBatchPage(args), ImportBatch.from);
  }

  @Query(() => ImportBatch, {
    nullable: true,
    description: 'OPS and ADMIN: one import batch by global id; null when it does not exist.',
  })
  async importBatch(
    @Arg('id', () => ID, { description: 'Global id of the batch.' }) id: string,
    @Ctx() { services }: GraphQLContext,
  ): Promise<ImportBatch | null> {
    const record = await services.ops.importBatch(idOf(id, 'ImportBatch'));
    return record && ImportBatch.from(record);
  }

  @FieldResolver(() => Job, {
    nullable: true,
    description:
      'The job that loads (or loaded) it, with live progress; null for command-line loads and jobs past retention.',
  })
  async job(@Root() batch: ImportBatch, @Ctx() { services }: GraphQLContext): Promise<Job | null> {
    const record = await services.ops.jobOfBatch(batch.record);
    return record && Job.from(record);
  }
}
