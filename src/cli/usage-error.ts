// Wrong arguments: reported with exit code 2, like other command-line tools.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
