/**
 * A command or run that failed after part of its work: the cause's message, code and stack, and that part (the files
 * already loaded), which the CLI prints beside the error in its one `--json` object.
 */
export class PartialFailure extends Error {
  override name = 'PartialFailure';
  readonly code?: string;

  constructor(
    cause: unknown,
    readonly partial: Record<string, unknown>,
  ) {
    super((cause as Error).message, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
    this.stack = (cause as Error).stack ?? this.stack;
  }
}
