// The `geofailover` command: parses arguments, runs one subcommand, maps errors to exit codes
// (0 ok, 1 error, 2 bad usage or invalid config, 3 refused by the safety gate, 4 changes found).
import { Command, CommanderError } from 'commander';
import {
  capText,
  describeBounded,
  ERROR_TEXT_LIMIT,
  GeofailoverError,
  ProviderError,
} from '../model/index.ts';
import { registerCommands } from './commands.ts';
import { EXIT } from './exit.ts';
import { packageVersion } from './version.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('geofailover')
    .description('DNS-based geo-failover controller')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);
  let code: number = EXIT.ok;
  registerCommands(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    return handleError(err);
  }
}

/** Characters of one of our own error messages printed (a config with many problems stays whole). */
const OWN_ERROR_LIMIT = 64 * 1024;

export function handleError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // A provider's error text can be megabytes (an HTTP body): print it bounded. Our own errors (a
  // config's list of problems, each naming its line) are printed whole, up to a generous bound.
  if (err instanceof ProviderError) {
    process.stderr.write(`error: ${describeBounded(err)}\n`);
    return err.exitCode;
  }
  if (err instanceof GeofailoverError) {
    process.stderr.write(`error: ${capText(err.describe(), OWN_ERROR_LIMIT)}\n`);
    return err.exitCode;
  }
  process.stderr.write(
    `error: ${err instanceof Error ? capText(err.stack ?? err.message, 2 * ERROR_TEXT_LIMIT) : capText(String(err))}\n`,
  );
  return EXIT.error;
}
