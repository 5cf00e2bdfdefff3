/**
 * Exit codes (docs/operations.md, "The `keel` command"): 0 success, 1 a user error (bad
 * arguments, bad config, a failed check), 2 an internal failure. Errors go to stderr, results to
 * stdout.
 */
export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_INTERNAL = 2;

/** A problem the user can fix: printed without a stack trace, exit 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly lines: string[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}
