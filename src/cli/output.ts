/** With --json, stdout carries exactly one JSON object; everything for humans goes to stderr. */
export interface Output {
  json: boolean;
  result(value: Record<string, unknown>, human: string): void;
  fail(message: string, exitCode?: number): never;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
    },
    fail(message, exitCode = 1) {
      if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
      process.stderr.write(`usage-portal: ${message}\n`);
      process.exit(exitCode);
    },
  };
}
