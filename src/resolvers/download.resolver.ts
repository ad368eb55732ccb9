import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../schema/context';
import { userErrorsOf } from '../schema/graphql-errors';
import { InvalidInputError } from '../services/errors';
import { UsagePointDownloadInput } from '../schema/usage-point-download.input';
import { UsagePointDownloadPayload } from '../schema/usage-point-download.payload';

@Resolver()
export class DownloadResolver {
  @Mutation(() => UsagePointDownloadPayload, {
    description:
      "Green Button Download My Data: a short-lived signed URL for the usage points (or a customer's) in [from, to), within what the caller may read.",
  })
  async usagePointDownload(
    @Arg('input', () => UsagePointDownloadInput) input: UsagePointDownloadInput,
    @Ctx() { services }: GraphQLContext,
  ): Promise<UsagePointDownloadPayload> {
    const payload = Object.assign(new UsagePointDownloadPayload(), { userErrors: [] });
    try {
      return Object.assign(payload, await services.downloads.issue(input));
    } catch (error) {
      // Refused input is the payload's userErrors here, as in the other mutations, not a GraphQL error.
      if (!(error instanceof InvalidInputError)) throw error;
      return Object.assign(payload, {
        userErrors: userErrorsOf([{ code: 'BAD_USER_INPUT', argument: error.argument, message: error.message }]),
      });
    }
  }
}
