// `geofailover events --controller URL [--since SEQ|ISO] [--type T]`: the audit trail.
import type { Command } from 'commander';
import type { StoredEvent } from '../../model/index.ts';
import { callController, controllerOption } from '../controller-client.ts';
import { eventLine } from '../event-text.ts';
import type { Register } from '../register.ts';

export const register: Register = (program: Command) => {
  program
    .command('events')
    .description('show the event log: transitions with evidence, plans, applies, drains')
    .addOption(controllerOption())
    .option('--since <seq|time>', 'events after this sequence number or ISO time')
    .option('--type <type...>', 'only these event types')
    .option('--limit <n>', 'at most this many events', '100')
    .option('--output <format>', 'text or json', 'text')
    .action(
      async (opts: {
        controller: string;
        since?: string;
        type?: string[];
        limit: string;
        output: string;
      }) => {
        const q = new URLSearchParams();
        if (opts.since) q.set('since', opts.since);
        if (opts.type) q.set('type', opts.type.join(','));
        q.set('limit', opts.limit);
        const doc = (await callController(opts, 'GET', `/v1/events?${q}`)) as { events: StoredEvent[] };
        if (opts.output === 'json') {
          process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
          return;
        }
        for (const e of doc.events) process.stdout.write(`${eventLine(e)}\n`);
      },
    );
};
