// `geofailover override REGION up --for 30m --reason TEXT`, `override REGION --clear` and
// `unoverride REGION`: force a region up when the checks are wrong (wins over health, never over a
// drain or a maintenance window; always expires).
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { UsageError } from '../../model/index.ts';
import { callController, controllerOption } from '../controller-client.ts';
import { printCoverageWarnings } from '../coverage-warnings.ts';
import type { Register } from '../register.ts';

interface Opts {
  controller: string;
  reason?: string;
  for?: string;
  clear?: boolean;
  author: string;
  output: string;
}

async function clear(region: string, opts: Opts): Promise<void> {
  const doc = await callController(
    opts,
    'DELETE',
    `/v1/overrides/${encodeURIComponent(region)}?author=${encodeURIComponent(opts.author)}`,
  );
  const d = doc as { status?: string };
  process.stdout.write(
    opts.output === 'json'
      ? `${JSON.stringify(doc, null, 2)}\n`
      : `override of ${region} lifted; status ${String(d.status ?? '?').toUpperCase()}\n`,
  );
  printCoverageWarnings(doc);
}

export const register: Register = (program: Command) => {
  program
    .command('override')
    .description('force a region UP for a while, whatever its checks say (a drain still wins)')
    .argument('<region>', 'region id')
    .argument('[state]', 'up (the only override)')
    .addOption(controllerOption())
    .option('--for <duration>', 'how long, e.g. 30m (required: an override always expires)')
    .option('--reason <text>', 'why (shown in status, explain, events and notifications)')
    .option('--clear', 'lift the override instead')
    .option('--author <name>', 'who overrides', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action(async (region: string, state: string | undefined, opts: Opts) => {
      if (opts.clear) {
        if (state !== undefined) throw new UsageError('give either a state (up) or --clear, not both');
        await clear(region, opts);
        return;
      }
      if (state !== 'up')
        throw new UsageError(`override ${region}: the state must be "up"${state ? `, not "${state}"` : ''}`, {
          remedy: `geofailover override ${region} up --for 30m --reason "..." (or --clear to lift it)`,
        });
      if (!opts.for)
        throw new UsageError('an override needs --for (it always expires)', { remedy: 'e.g. --for 30m' });
      const forMs = parseDuration(opts.for);
      if (forMs === undefined)
        throw new UsageError(`--for ${opts.for} is not a duration`, { remedy: 'use e.g. 30m, 2h' });
      if (!opts.reason)
        throw new UsageError('an override needs --reason', {
          remedy: '--reason "checks broken by the CDN change"',
        });
      const doc = await callController(opts, 'PUT', `/v1/overrides/${encodeURIComponent(region)}`, {
        state: 'up',
        reason: opts.reason,
        author: opts.author,
        forMs,
      });
      const d = doc as { override: { until: string }; status: string; note?: string };
      process.stdout.write(
        opts.output === 'json'
          ? `${JSON.stringify(doc, null, 2)}\n`
          : `forced ${region} UP until ${d.override.until}; status ${d.status.toUpperCase()}${d.note ? ` (${d.note})` : ''}\n`,
      );
      printCoverageWarnings(doc);
    });
  program
    .command('unoverride')
    .description('lift a force-up override (the region follows its health again at once)')
    .argument('<region>', 'region id')
    .addOption(controllerOption())
    .option('--author <name>', 'who lifts it', process.env.USER ?? 'cli')
    .option('--output <format>', 'text or json', 'text')
    .action((region: string, opts: Opts) => clear(region, opts));
};
