// `geofailover probe --config FILE --prober ID`: one vantage point's probe agent. Checks every
// endpoint, signs its reports with the prober's key (from the environment or a file) and sends them to
// every configured controller until SIGTERM/SIGINT, then stops cleanly (exit 0).
import type { Command } from 'commander';
import { UsageError } from '../../model/index.ts';
import type { Register } from '../register.ts';

export const register: Register = (program: Command) => {
  program
    .command('probe')
    .description("run one prober's agent: check every endpoint and report to the controllers")
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .requiredOption('-p, --prober <id>', 'which configured prober this agent is')
    .action(async (opts: { config: string; prober: string }) => {
      const { readFileSync } = await import('node:fs');
      const { ConfigError, controllersProblems, loadConfig, proberKey, resolveControllers } = await import(
        '../../config/index.ts'
      );
      const { createLogger } = await import('../../log/index.ts');
      const { ProbeAgent } = await import('../../probe/index.ts');
      const config = loadConfig(opts.config);
      const prober = config.probers.find((p) => p.id === opts.prober);
      if (!prober) {
        throw new UsageError(`unknown prober "${opts.prober}" in ${opts.config}`, {
          value: opts.prober,
          remedy: `use one of the configured probers: ${config.probers.map((p) => p.id).join(', ') || '(none: add a `probers:` list)'}`,
        });
      }
      const key = proberKey(config, prober);
      // The controllers of controllersFrom come from this process's environment: a missing or wrong
      // variable stops the agent with the file, the line and the variable (exit 2).
      const problems = controllersProblems(config, readFileSync(opts.config, 'utf8'));
      if (problems.length > 0) throw new ConfigError(opts.config, problems);
      const { targets } = resolveControllers(config, process.env);
      const logger = createLogger('probe');
      const agent = new ProbeAgent({ config, proberId: prober.id, key, logger, controllers: targets });
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          logger.info({ signal }, 'stopping probe agent');
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
        agent.start();
      });
      await agent.stop();
      logger.flush();
    });
};
