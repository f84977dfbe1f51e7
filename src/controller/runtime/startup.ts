import type { Server } from 'node:http';
import { GeofailoverError } from '../../model/index.ts';
import type { StateLock } from './state-lock.ts';

// What startup has opened so far, closed in reverse order when a later step fails (a half-started
// controller must leave nothing listening or locked behind). Each close error is swallowed so the
// rest still close; the startup error is what the caller throws.
export class OpenedResources {
  private readonly closers: { name: string; close: () => unknown }[] = [];

  /** Register a resource just opened; `close` may be sync or async. */
  add(name: string, close: () => unknown): void {
    this.closers.push({ name, close });
  }

  /** Closes everything opened, newest first, and forgets it. */
  async closeAll(): Promise<void> {
    while (this.closers.length > 0) {
      const { close } = this.closers.pop()!;
      try {
        await close();
      } catch {
        // Closing what a failed start opened: the startup error is the one to report.
      }
    }
  }
}

/** A startup that failed after opening something; everything opened was closed before it is thrown. */
export class StartupError extends GeofailoverError {}

/** The error a failed start reports: typed errors keep their message and exit code, others are wrapped. */
export function startupFailed(err: unknown): Error {
  if (err instanceof GeofailoverError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StartupError(`controller failed to start: ${message}`, {
    cause: err,
    remedy: 'nothing was left listening or locked; fix the cause above and start it again',
  });
}

/** Stops taking connections and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The stop sequence, then the state dir's lock released (so a restart can take it at once). */
export function stopThenUnlock(stop: () => Promise<void>, lock: StateLock): () => Promise<void> {
  return async () => {
    try {
      await stop();
    } finally {
      lock.release();
    }
  };
}
