// A logger whose JSON lines the hidden-primary tests can read back.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/log/index.ts';

export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: createLogger('test', { level: 'debug', destination }), lines: () => lines };
}
