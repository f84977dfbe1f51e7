// `geofailover status --controller URL`: what the controller believes now, as readable tables.
import type { Command } from 'commander';
import type { StatusDoc } from '../../api/index.ts';
import { callController, controllerOption } from '../controller-client.ts';
import type { Register } from '../register.ts';
import { renderStatus } from '../status-text.ts';

// Its text is status-text.ts's; named here too, beside the command that prints it.
export { renderStatus };

export const register: Register = (program: Command) => {
  program
    .command('status')
    .description("show the controller's regions, votes, records and errors")
    .addOption(controllerOption())
    .option('--output <format>', 'text or json', 'text')
    .action(async (opts: { controller: string; output: string }) => {
      const doc = (await callController(opts, 'GET', '/v1/status')) as StatusDoc;
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : `${renderStatus(doc)}\n`,
      );
    });
};
