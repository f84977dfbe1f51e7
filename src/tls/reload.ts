// Certificate files that change under a running process (cert-manager, an ACME client, a Kubernetes
// Secret volume): polled by content, never by fs.watch, which misses the atomic renames those tools
// use (a Secret volume swaps a symlink to a new directory). A changed set is loaded and checked in
// full before it replaces the good one; a broken or half-written set leaves the old one in use.
import { filesDigest } from './pem.ts';

export type ReloadOutcome<T> =
  | { kind: 'unchanged' }
  | { kind: 'reloaded'; value: T }
  /** `repeated`: the same broken content as at the last poll (log it once, not every poll). */
  | { kind: 'failed'; error: Error; repeated: boolean };

export class ReloadingFiles<T> {
  private digest: string;
  private failedDigest: string | undefined;
  private current: T;

  /** Loads once; `load` throws a TlsFileError for a missing or broken file (a startup error). */
  constructor(
    private readonly paths: readonly string[],
    private readonly load: () => T,
  ) {
    // Digest first: a change between the two reads shows as a change at the next poll (reloaded again).
    this.digest = filesDigest(paths);
    this.current = load();
  }

  get value(): T {
    return this.current;
  }

  poll(): ReloadOutcome<T> {
    const digest = filesDigest(this.paths);
    if (digest === this.digest) return { kind: 'unchanged' };
    try {
      const value = this.load();
      this.current = value;
      this.digest = digest;
      this.failedDigest = undefined;
      return { kind: 'reloaded', value };
    } catch (err) {
      const repeated = this.failedDigest === digest;
      this.failedDigest = digest;
      return { kind: 'failed', error: err as Error, repeated };
    }
  }
}
