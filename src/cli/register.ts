// The shape of a subcommand file's `register` export (src/cli/commands/<name>.ts), apart from the
// list in commands.ts so the command files do not import the list that imports them.
import type { Command } from 'commander';

/** `setExit` lets a command report a non-zero exit code without throwing. */
export type Register = (program: Command, setExit: (code: number) => void) => void;
