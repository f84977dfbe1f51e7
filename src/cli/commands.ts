// The list of subcommands. Each lives in its own file under commands/ and is listed here once.
import type { Command } from 'commander';
import { register as apply } from './commands/apply.ts';
import { register as controller } from './commands/controller.ts';
import { register as demo } from './commands/demo.ts';
import { register as dnsServer } from './commands/dns-server.ts';
import { register as drain } from './commands/drain.ts';
import { register as events } from './commands/events.ts';
import { register as explain } from './commands/explain.ts';
import { register as maintenance } from './commands/maintenance.ts';
import { register as override } from './commands/override.ts';
import { register as plan } from './commands/plan.ts';
import { register as probe } from './commands/probe.ts';
import { register as status } from './commands/status.ts';
import { register as validate } from './commands/validate.ts';
import { withControllerTls } from './controller-client.ts';

import type { Register } from './register.ts';

export type { Register };

// One import and one entry per subcommand file (src/cli/commands/<name>.ts exports `register`).
const registrations: Register[] = [
  validate,
  plan,
  apply,
  probe,
  demo,
  controller,
  status,
  events,
  drain,
  dnsServer,
  explain,
  override,
  maintenance,
];

export function registerCommands(program: Command, setExit: (code: number) => void): void {
  for (const register of registrations) register(program, setExit);
  // Every command that talks to a running controller (subcommands included) can trust a private CA
  // and present a client certificate.
  for (const cmd of allCommands(program))
    if (cmd.options.some((o) => o.long === '--controller')) withControllerTls(cmd);
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
