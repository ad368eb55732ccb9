// A failure the operator can fix (bad URL, port in use, pending migration): reported as one line, no stack trace.
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
