// `geofailover maintenance list|add|remove`: scheduled maintenance windows through the API (windows
// in the config file are listed too, and changed only there).
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { UsageError } from '../../model/index.ts';
import { callController, controllerOption } from '../controller-client.ts';
import { printCoverageWarnings } from '../coverage-warnings.ts';
import type { Register } from '../register.ts';
import { table } from '../table.ts';

interface WindowDoc {
  id: string;
  region: string;
  reason: string;
  source: string;
  cron?: string;
  start?: string;
  durationMs: number;
  activeUntil?: string;
  nextStart?: string;
  /** What is outside the limits (a window kept from an older version); see status. */
  problems?: string[];
}

const ms = (text: string, flag: string) => {
  const v = parseDuration(text);
  if (v === undefined)
    throw new UsageError(`${flag} ${text} is not a duration`, { remedy: 'use e.g. 30m, 2h' });
  return v;
};

export function renderWindows(list: readonly WindowDoc[]): string {
  if (list.length === 0) return 'no maintenance windows';
  return table(
    ['ID', 'REGION', 'WHEN', 'LENGTH', 'STATE', 'SOURCE', 'REASON'],
    list.map((w) => [
      w.id,
      w.region,
      w.cron ? `cron "${w.cron}" UTC` : (w.start ?? '?'),
      `${Math.round(w.durationMs / 60_000)}m`,
      w.problems?.length
        ? 'OUTSIDE LIMITS (see status)'
        : w.activeUntil
          ? `ACTIVE until ${w.activeUntil}`
          : w.nextStart
            ? `next ${w.nextStart}`
            : 'over',
      w.source,
      w.reason,
    ]),
  );
}

export const register: Register = (program: Command) => {
  const m = program
    .command('maintenance')
    .description('scheduled maintenance windows (the region is drained while one runs)');
  m.command('list')
    .description('list every window, from the config and the API, with its next start')
    .addOption(controllerOption())
    .option('--output <format>', 'text or json', 'text')
    .action(async (opts: { controller: string; output: string }) => {
      const doc = (await callController(opts, 'GET', '/v1/maintenance')) as { windows: WindowDoc[] };
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${renderWindows(doc.windows)}\n`,
      );
    });
  m.command('add')
    .description('add a window: --start TIME with --end TIME or --duration, or --cron EXPR with --duration')
    .argument('<region>', 'region id')
    .addOption(controllerOption())
    .requiredOption('--reason <text>', 'why (shown in status and notifications)')
    .option('--start <time>', 'one-shot start, ISO 8601 with a zone (2026-12-24T02:00:00Z)')
    .option('--end <time>', 'one-shot end, ISO 8601 with a zone')
    .option('--cron <expr>', 'recurring start, cron in UTC ("0 2 * * 0": Sundays 02:00)')
    .option('--duration <duration>', 'length of each occurrence, e.g. 2h')
    .option('--notify-before <duration>', 'notify this long before each start', '15m')
    .option('--id <id>', 'window id (default: generated)')
    .option('--author <name>', 'who schedules it', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action(
      async (
        region: string,
        opts: {
          controller: string;
          reason: string;
          start?: string;
          end?: string;
          cron?: string;
          duration?: string;
          notifyBefore: string;
          id?: string;
          author: string;
          output: string;
        },
      ) => {
        const doc = await callController(opts, 'POST', '/v1/maintenance', {
          region,
          reason: opts.reason,
          author: opts.author,
          ...(opts.id ? { id: opts.id } : {}),
          ...(opts.cron ? { cron: opts.cron } : {}),
          ...(opts.start ? { start: opts.start } : {}),
          ...(opts.end ? { end: opts.end } : {}),
          ...(opts.duration ? { durationMs: ms(opts.duration, '--duration') } : {}),
          notifyBeforeMs: ms(opts.notifyBefore, '--notify-before'),
        });
        const w = (doc as { window: WindowDoc }).window;
        process.stdout.write(
          opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${renderWindows([w])}\n`,
        );
        printCoverageWarnings(doc);
      },
    );
  m.command('remove')
    .description('remove a window added through the API')
    .argument('<id>', 'window id')
    .addOption(controllerOption())
    .option('--author <name>', 'who removes it', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action(async (id: string, opts: { controller: string; author: string; output: string }) => {
      const doc = await callController(
        opts,
        'DELETE',
        `/v1/maintenance/${encodeURIComponent(id)}?author=${encodeURIComponent(opts.author)}`,
      );
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `removed maintenance window ${id}\n`,
      );
    });
};
