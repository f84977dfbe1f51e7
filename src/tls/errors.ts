// Certificate and key problems: one message naming the file, where it is configured, what is wrong
// and what to do. A UsageError, so the CLI exits 2 with it and never prints a stack.
import { UsageError } from '../model/index.ts';

export class TlsFileError extends UsageError {
  readonly file: string;
  /** Where the file is configured: `controller.tls.certFile`, `controllers[0].ca`, `--ca`. */
  readonly where: string;
  /** What is wrong with the file, in words. */
  readonly problem: string;

  constructor(where: string, file: string, problem: string, remedy: string) {
    super(`${where}: ${file}: ${problem}`, { value: file, remedy });
    this.file = file;
    this.where = where;
    this.problem = problem;
  }
}
