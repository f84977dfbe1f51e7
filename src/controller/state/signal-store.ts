// The alerts and pushes the signals hold, in <stateDir>/signals.json, so a restart does not forget an
// alert that is still firing (Alertmanager sends it again only after its repeat_interval). Written
// off the request's path after each delivery (the newest wins); a missing or unreadable file only
// means starting with nothing held: never a startup error.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile } from '../../fsutil/index.ts';
import type { SignalInputs } from '../../health/index.ts';

export class SignalInputStore {
  readonly file: string;
  private writing?: Promise<void>;
  private next?: SignalInputs;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = join(stateDir, 'signals.json');
  }

  load(): { inputs: SignalInputs; problem?: string } {
    const none: SignalInputs = { alerts: [], pushes: [] };
    if (!existsSync(this.file)) return { inputs: none };
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SignalInputs>;
      if (!Array.isArray(doc.alerts) || !Array.isArray(doc.pushes))
        throw new Error('no "alerts" and "pushes" lists');
      return { inputs: { alerts: doc.alerts, pushes: doc.pushes } };
    } catch (err) {
      return { inputs: none, problem: `ignoring ${this.file}: ${(err as Error).message}` };
    }
  }

  /** Save without blocking the event loop; saves coalesce and the newest is written last. */
  saveSoon(inputs: SignalInputs, onError: (err: unknown) => void): void {
    this.next = inputs;
    if (this.writing) return;
    const loop = async () => {
      while (this.next) {
        const doc = `${JSON.stringify({ version: 1, ...this.next })}\n`;
        this.next = undefined;
        await atomicWriteFile(this.file, doc).catch(onError);
      }
      this.writing = undefined;
    };
    this.writing = loop();
  }

  async flush(): Promise<void> {
    await this.writing;
  }
}
