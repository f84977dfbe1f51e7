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
