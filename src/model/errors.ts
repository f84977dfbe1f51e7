// Typed errors: every failure carries its context (zone, record, provider, value, limit) and a remedy,
// so a message says what happened, where, and what to do (octoDNS's TooMuchChange is the model).

export interface ErrorContext {
  zone?: string;
  record?: string;
  provider?: string;
  region?: string;
  value?: unknown;
  limit?: unknown;
  remedy?: string;
  cause?: unknown;
}

export class GeofailoverError extends Error {
  readonly context: ErrorContext;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.context = context;
  }

  /** The message with its remedy, as printed to an operator. */
  describe(): string {
    return this.context.remedy ? `${this.message}\n  remedy: ${this.context.remedy}` : this.message;
  }
}

/** A config or usage problem: exit code 2. */
export class UsageError extends GeofailoverError {
  override readonly exitCode = 2;
}

/** A provider call failed (network, API error, rejected batch). */
export class ProviderError extends GeofailoverError {
  /** True when retrying the same call later may succeed (throttling, 5xx, network). */
  readonly retryable: boolean;
  constructor(message: string, context: ErrorContext & { retryable?: boolean } = {}) {
    super(message, context);
    this.retryable = context.retryable ?? false;
  }
}

/** The provider's records changed since we read them (a compare-and-swap lost): re-read and re-plan. */
export class ConflictError extends ProviderError {}

/** The change set is invalid for the provider (it would reject it): nothing was written. */
export class InvalidChangeError extends ProviderError {}

/** Ownership forbids the change (foreign records at a managed name, another owner's marker). */
export class OwnershipError extends GeofailoverError {
  override readonly exitCode = 3;
}
