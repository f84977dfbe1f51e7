// `geofailover apply --config FILE [--assume ...] [--checksum SHA] [--force] [--adopt] [--dry-run]
// [--output text|json]`: plan, print the plan, then write it through the applier, which verifies each
// zone by planning again. Nothing is written when any zone is refused (exit 3), when --checksum does
// not match a fresh plan (exit 3), when a running controller holds a zone it would change (its
// writer's lease, src/model/lease.ts; exit 3, and --force does not bypass it: the controller's
// failovers would be undone), in dry-run, or on any error before the write.
import type { Command } from 'commander';
import type { ApplyMode, ApplyOutcome } from '../../reconcile/applier.ts';
import { EXIT } from '../exit.ts';
import { type CommonOptions, useColor, withPlanOptions } from '../options.ts';
import type { Register } from '../register.ts';

interface ApplyOptions extends CommonOptions {
  checksum?: string;
  force?: boolean;
  dryRun?: boolean;
}

function outcomeLine(o: ApplyOutcome): string {
  const where = `${o.zone} (${o.provider})`;
  switch (o.status) {
    case 'applied':
      return `applied ${o.changes} change(s) to ${where}${o.verified ? '; planning again finds no changes' : ''}`;
    case 'dry-run':
      return `dry-run: ${o.changes} change(s) to ${where} not written`;
    case 'refused':
      return `refused: ${o.changes} change(s) to ${where} not written`;
    case 'no-changes':
      return `${where}: no changes`;
  }
}

/** `planDoc` is planDocument(plan), passed in so this file loads the plan module only when it runs. */
function jsonDoc(planDoc: unknown, mode: ApplyMode, outcomes: ApplyOutcome[], refused?: string): string {
  const doc = {
    version: 1,
    mode,
    applied: outcomes.some((o) => o.status === 'applied'),
    ...(refused ? { refused } : {}),
    outcomes: outcomes.map((o) => ({
      zone: o.zone,
      provider: o.provider,
      status: o.status,
      changes: o.changes,
      verified: o.verified,
    })),
    plan: planDoc,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const register: Register = (program: Command, setExit) => {
  withPlanOptions(
    program.command('apply').description('plan, then write the changes (verified by planning again)'),
  )
    .option('--checksum <sha>', 'apply only if a fresh plan has this checksum (the one you reviewed)')
    .option('--force', 'apply although the update/delete fractions, empty-answer or NS/SOA checks refuse')
    .option('--dry-run', 'plan and report, write nothing (also when controller.mode is dry-run)')
    .action(async (opts: ApplyOptions) => {
      const { applyPlan, closeProviders, planFromFile, refusalMessage } = await import('../planning.ts');
      const { changeCount, planAllowed, planDocument, renderText } = await import('../../plan/index.ts');
      const { config, plan, providers, states } = await planFromFile({
        config: opts.config,
        ...(opts.assume ? { assume: opts.assume } : {}),
        adopt: opts.adopt === true,
        force: opts.force === true,
      });
      try {
        const mode: ApplyMode = opts.dryRun || config.controller.mode === 'dry-run' ? 'dry-run' : 'apply';
        const text = opts.output !== 'json';
        const refuse = (why: string) => {
          process.stdout.write(
            text ? renderText(plan, { color: useColor() }) : jsonDoc(planDocument(plan), mode, [], why),
          );
          process.stderr.write(why);
          setExit(EXIT.refused);
        };
        // The checksum is over the changes only; --force does not bypass it.
        if (opts.checksum !== undefined && opts.checksum.trim().toLowerCase() !== plan.checksum) {
          return refuse(
            `refused: --checksum ${opts.checksum} does not match the plan made now (${plan.checksum}); ` +
              'the records, the config or the assumptions changed since that plan was reviewed. Nothing was applied.\n' +
              '  remedy: review the plan above and apply it with its checksum\n',
          );
        }
        if (!planAllowed(plan)) return refuse(refusalMessage(plan, 'apply'));
        if (mode === 'apply' && changeCount(plan) > 0) {
          // Read last, right before writing, so the window in which a controller could start unseen is
          // the few seconds of this run (and that controller's first pass re-plans over what we wrote).
          const { checkLeases } = await import('../lease-check.ts');
          const leases = await checkLeases(config, plan, providers);
          for (const note of leases.notes) process.stderr.write(note);
          if (leases.refusal) return refuse(`${leases.refusal.describe()}\n`);
        }

        if (text) process.stdout.write(renderText(plan, { color: useColor() }));
        if (changeCount(plan) === 0) {
          if (text) process.stdout.write('Nothing to apply.\n');
          else process.stdout.write(jsonDoc(planDocument(plan), mode, []));
          return;
        }
        const outcomes = await applyPlan(config, plan, providers, states, { mode });
        if (text) {
          if (mode === 'dry-run') {
            const why = opts.dryRun ? '--dry-run' : 'controller.mode is dry-run in the config';
            process.stdout.write(`Dry run (${why}): nothing was written.\n`);
          }
          for (const o of outcomes)
            if (o.status !== 'no-changes') process.stdout.write(`${outcomeLine(o)}\n`);
        } else process.stdout.write(jsonDoc(planDocument(plan), mode, outcomes));
      } finally {
        await closeProviders(providers);
      }
    });
};
