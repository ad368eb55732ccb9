/**
 * With --json, stdout carries exactly one JSON object, whatever happens: the result, or on failure
 * `{ "error": { "message", "code" } }` beside whatever part of the result the command had when it failed (an error's
 * `partial`). Everything for humans goes to stderr.
 */
export interface Output {
  json: boolean;
  result(value: Record<string, unknown>, human: string): void;
  /** Prints the failure (unless a result was printed already: the one object is out) and exits. */
  fail(failure: Failure, exitCode?: number): never;
}

export interface Failure {
  message: string;
  /** USAGE, CONFIG, STARTUP, a system error's code (ENOSPC, ECONNREFUSED) or INTERNAL. */
  code: string;
  /** What the command had done before it failed, merged into the JSON object. */
  partial?: Record<string, unknown>;
  /** For stderr when it says more than the message (a stack). */
  detail?: string;
}

/** An error as the CLI reports it: its own code when it has one (a system error's), else `code`. */
export function failureOf(error: unknown, code = 'INTERNAL'): Failure {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; partial?: unknown; stack?: unknown };
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : code,
    partial: typeof e.partial === 'object' && e.partial !== null ? (e.partial as Record<string, unknown>) : undefined,
    detail: typeof e.stack === 'string' ? e.stack : undefined,
  };
}

export function createOutput(json: boolean): Output {
  let printed = false;
  return {
    json,
    result(value, human) {
      printed = true;
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
    },
    fail({ message, code, partial, detail }, exitCode = 1) {
      if (json && !printed) process.stdout.write(`${JSON.stringify({ ...partial, error: { message, code } })}\n`);
      printed = true;
      process.stderr.write(`usage-portal: ${detail ?? message}\n`);
      process.exit(exitCode);
    },
  };
}
