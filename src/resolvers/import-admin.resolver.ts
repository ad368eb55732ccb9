import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { userErrorsOf } from '../schema/graphql-errors';
import { OdsExtractStartInput } from '../schema/ods-extract-start.input';
import { OdsExtractStartPayload } from '../schema/ods-extract-start.payload';
import { UsageImportStartInput } from '../schema/usage-import-start.input';
import { UsageImportStartPayload } from '../schema/usage-import-start.payload';

@Resolver()
export class ImportAdminResolver {
  @Mutation(() => UsageImportStartPayload, {
    description: 'ADMIN: load a file from the inbox (queued), or dry-run it (answered at once).',
  })
  async usageImportStart(
    @Arg('input', () => UsageImportStartInput) input: UsageImportStartInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<UsageImportStartPayload> {
    const { jobId, report, refusals } = await services.imports.startImport(input);
    return Object.assign(new UsageImportStartPayload(), { jobId, dryRun: report, userErrors: userErrorsOf(refusals) });
  }

  @Mutation(() => OdsExtractStartPayload, { description: 'ADMIN: run the ODS extract-and-load now.' })
  async odsExtractStart(
    @Arg('input', () => OdsExtractStartInput) input: OdsExtractStartInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<OdsExtractStartPayload> {
    const { jobId, refusals } = await services.imports.startExtract(input);
    return Object.assign(new OdsExtractStartPayload(), { jobId, userErrors: userErrorsOf(refusals) });
  }
}
