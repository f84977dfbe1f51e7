// The list of subcommands. Each lives in its own file under commands/ and registers itself here.
import type { Command } from 'commander';

/** `setExit` lets a command report a non-zero exit code without throwing. */
export type Register = (program: Command, setExit: (code: number) => void) => void;

const registrations: Register[] = [];

export function registerCommands(program: Command, setExit: (code: number) => void): void {
  for (const register of registrations) register(program, setExit);
}
