// `geofailover plan --config FILE [--assume REGION=STATE]... [--assume-rtt PROBER:REGION=MS]...
// [--output text|json] [--expect-no-changes] [--adopt]`: what apply would change, with the safety
// verdicts and the checksum. Writes nothing. --assume-rtt plans latency records as if the probers had
// measured those round-trip times. Exit 3 when the safety gate would refuse the plan, 4 with --expect-no-changes when there are changes.
// A zone with changes that a running controller holds gets a note: apply would write nothing to it.
import type { Command } from 'commander';
import { inTimeRange, TIME_RANGE_TEXT, UsageError } from '../../model/index.ts';
import { EXIT } from '../exit.ts';
import { type CommonOptions, collectAssumeRtt, useColor, withPlanOptions } from '../options.ts';
import type { Register } from '../register.ts';

type PlanOptions = CommonOptions & {
  expectNoChanges?: boolean;
  at?: string;
  assumeRtt?: Map<string, Map<string, number>>;
};

export const register: Register = (program: Command, setExit) => {
  withPlanOptions(
    program
      .command('plan')
      .description('show the DNS changes the current config and region states call for (writes nothing)'),
  )
    .option(
      '--assume-rtt <prober:region=ms>',
      'plan latency records as if PROBER measured REGION at MS milliseconds (repeatable; unnamed pairs are not measured)',
      collectAssumeRtt,
    )
    .option('--expect-no-changes', 'exit 4 when the plan has changes (drift checks in CI)')
    .option(
      '--at <time>',
      "plan DNS as at this ISO time: regions in the config's maintenance windows then are drained",
    )
    .action(async (opts: PlanOptions) => {
      let at: number | undefined;
      if (opts.at !== undefined) {
        at = Date.parse(opts.at);
        if (!/(Z|[+-]\d\d:?\d\d)$/i.test(opts.at) || !Number.isFinite(at))
          throw new UsageError(`--at ${opts.at} is not an ISO 8601 time with a zone`, {
            remedy: 'e.g. --at 2026-12-24T02:30:00Z',
          });
        if (!inTimeRange(at))
          throw new UsageError(`--at ${opts.at} is outside ${TIME_RANGE_TEXT}`, {
            value: opts.at,
            limit: TIME_RANGE_TEXT,
            remedy: 'give a time in that range, e.g. --at 2026-12-24T02:30:00Z',
          });
      }
      const { closeProviders, planFromFile, refusalMessage } = await import('../planning.ts');
      const { changeCount, planAllowed, renderJson, renderText } = await import('../../plan/index.ts');
      const { config, plan, providers } = await planFromFile({
        config: opts.config,
        ...(opts.assume ? { assume: opts.assume } : {}),
        ...(opts.assumeRtt ? { assumeRtt: opts.assumeRtt } : {}),
        ...(at === undefined ? {} : { at }),
        adopt: opts.adopt === true,
      });
      // What apply would meet: a zone a running controller holds is refused there (its writer's lease).
      const { checkLeases, heldNotes } = await import('../lease-check.ts');
      const leases =
        changeCount(plan) > 0
          ? await checkLeases(config, plan, providers).finally(() => closeProviders(providers))
          : await closeProviders(providers).then(() => undefined);
      process.stdout.write(
        opts.output === 'json' ? renderJson(plan) : renderText(plan, { color: useColor() }),
      );
      for (const note of leases ? heldNotes(leases) : []) process.stderr.write(note);
      if (!planAllowed(plan)) {
        process.stderr.write(refusalMessage(plan, 'plan'));
        setExit(EXIT.refused);
      } else if (opts.expectNoChanges && changeCount(plan) > 0) {
        process.stderr.write(`--expect-no-changes: the plan has ${changeCount(plan)} change(s)\n`);
        setExit(EXIT.changes);
      }
    });
};
