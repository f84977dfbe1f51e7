// Typed errors of the builtin provider: a zone store file that cannot be read or written.
import { type ErrorContext, ProviderError } from '../../src/model/index.ts';

/** The zone store file is missing, truncated, not JSON, or not a store document. */
export class ZoneStoreError extends ProviderError {
  /** The store file the problem is about. */
  readonly file: string;
  /** What is wrong: `missing`, `unreadable`, `invalid`, `write`. */
  readonly problem: 'missing' | 'unreadable' | 'invalid' | 'write';

  constructor(
    message: string,
    file: string,
    problem: ZoneStoreError['problem'],
    context: ErrorContext & { retryable?: boolean } = {},
  ) {
    super(message, { value: file, ...context });
    this.file = file;
    this.problem = problem;
  }
}
