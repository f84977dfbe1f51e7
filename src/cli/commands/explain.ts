// `geofailover explain NAME --controller URL`: why a record answers what it answers now.
import type { Command } from 'commander';
import type { ExplainDoc } from '../../controller/views/explain.ts';
import { callController, controllerOption } from '../controller-client.ts';
import type { Register } from '../register.ts';

export const register: Register = (program: Command) => {
  program
    .command('explain')
    .description('why a record answers what it answers: answer, rule, region states, votes, thresholds')
    .argument('<name>', 'a managed record name, e.g. app.example.com')
    .addOption(controllerOption())
    .option('--type <type>', 'record type when a name has several (A, AAAA, CNAME)')
    .option('--output <format>', 'text or json', 'text')
    .action(async (name: string, opts: { controller: string; type?: string; output: string }) => {
      const q = new URLSearchParams({ name, ...(opts.type ? { type: opts.type } : {}) });
      const doc = (await callController(opts, 'GET', `/v1/explain?${q}`)) as ExplainDoc;
      const { renderExplain } = await import('../../controller/views/explain.ts');
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${renderExplain(doc)}\n`,
      );
    });
};
