// Checks of a builtin provider's hidden-primary settings (tsigKeys, allowTransfer, secondaries,
// notifyKey), and the warnings validate prints about what secondaries cannot serve: geo and weighted
// answers become one plain answer in a transferred zone.
import type { DefinitionProblem, RecordUnderCheck } from '../definition.ts';
import { absoluteName } from '../dnswire/index.ts';

/** The settings these checks read: a builtin provider's config has them (its definition calls in). */
interface BuiltinConfig {
  tsigKeys: readonly { name: string }[];
  allowTransfer: readonly { key?: string | undefined }[];
  secondaries: readonly unknown[];
  notifyKey?: string | undefined;
  workers?: number | undefined;
}

/** Errors: key names that do not exist or repeat, secondaries nobody lets transfer. */
export function transferProblems(p: BuiltinConfig, id: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const names = p.tsigKeys.map((k) => absoluteName(k.name));
  const known = `known: ${p.tsigKeys.map((k) => k.name).join(', ') || `(none: add providers.${id}.tsigKeys)`}`;
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      problems.push({ at: ['tsigKeys', i, 'name'], message: `duplicate TSIG key "${n}"` });
  });
  p.allowTransfer.forEach((e, i) => {
    if (e.key !== undefined && !names.includes(absoluteName(e.key)))
      problems.push({ at: ['allowTransfer', i, 'key'], message: `unknown TSIG key "${e.key}"; ${known}` });
  });
  if (p.secondaries.length > 0 && p.allowTransfer.length === 0)
    problems.push({
      at: ['secondaries'],
      message: `secondaries are told of changes but allowTransfer is empty, so they cannot transfer the zones; add their addresses or a key they sign with to providers.${id}.allowTransfer`,
    });
  if (p.notifyKey !== undefined && !names.includes(absoluteName(p.notifyKey)))
    problems.push({ at: ['notifyKey'], message: `unknown TSIG key "${p.notifyKey}"; ${known}` });
  if ((p.allowTransfer.length > 0 || p.secondaries.length > 0) && p.workers !== undefined && p.workers > 1)
    problems.push({
      at: ['workers'],
      severity: 'warning',
      message: `a hidden primary (allowTransfer/secondaries) runs one process: its secondaries answer the public, and transfers, their journal and NOTIFY stay in one place; workers: ${p.workers} is ignored`,
    });
  return problems;
}

/** Warnings: geo and weighted records in zones that secondaries transfer. */
export function transferWarnings(
  p: BuiltinConfig,
  rec: RecordUnderCheck,
  zone: { name: string; provider: string },
): DefinitionProblem[] {
  if (p.allowTransfer.length === 0 && p.secondaries.length === 0) return [];
  const via = `secondaries of ${zone.name} (allowTransfer/secondaries on provider ${zone.provider})`;
  if (rec.policy.kind === 'geo')
    return [
      {
        at: ['policy', 'kind'],
        severity: 'warning',
        message: `${rec.name} ${rec.type} is geo: ${via} get the \`default\` rule's answer for every client; only the builtin server answers by location. Put geo names in a zone that is not transferred to keep them geo everywhere`,
      },
    ];
  if (rec.policy.kind === 'weighted')
    return [
      {
        at: ['policy', 'kind'],
        severity: 'warning',
        message: `${rec.name} ${rec.type} is weighted: ${via} serve every healthy (weight > 0) value in one answer, not in proportion to the weights${rec.type === 'CNAME' ? ' (a CNAME carries only the heaviest target)' : ''}`,
      },
    ];
  return [];
}
