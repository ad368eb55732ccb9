import { GraphQLError } from 'graphql';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { UsagePointDownloadInput } from '../schema/usage-point-download.input';
import { UsagePointDownloadPayload } from '../schema/usage-point-download.payload';

@Resolver()
export class DownloadResolver {
  @Mutation(() => UsagePointDownloadPayload, {
    description: 'Green Button Download My Data: a short-lived signed URL for the usage points (or a customer\'s) in [from, to), within what the caller may read.',
  })
  async usagePointDownload(@Arg('input', () => UsagePointDownloadInput) input: UsagePointDownloadInput, @Ctx() { services }: GraphQLContext): Promise<UsagePointDownloadPayload> {
    const payload = Object.assign(new UsagePointDownloadPayload(), { userErrors: [] });
    try {
      return Object.assign(payload, await services.downloads.issue(input, ['input']));
    } catch (error) {
      if (!(error instanceof GraphQLError) || error.extensions.code !== 'BAD_USER_INPUT') throw error;
      payload.userErrors.push({ code: 'BAD_USER_INPUT', field: error.extensions.field as string[], message: error.message });
      return payload;
    }
  }
}
