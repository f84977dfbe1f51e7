// Logging: pino, JSON, one event per line, with secrets redacted wherever they could appear.
import { type Logger, pino } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  'apiToken',
  'key',
  'secret',
  'password',
  'authorization',
  '*.token',
  '*.apiToken',
  '*.key',
  '*.secret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

export function createLogger(
  name: string,
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      name,
      level: options.level ?? process.env.GEOFAILOVER_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
