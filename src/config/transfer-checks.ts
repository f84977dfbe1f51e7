// Checks of a builtin provider's hidden-primary settings (tsigKeys, allowTransfer, secondaries,
// notifyKey), and the warnings `validate` prints about what secondaries cannot serve: geo and
// weighted answers become one plain answer in a transferred zone.
import { type ConfigProblem, formatPath } from './errors.ts';
import { lineIn } from './load.ts';
import type { Config } from './schema.ts';

type Problem = Omit<ConfigProblem, 'line'> & { at: (string | number)[] };

/** Errors: key names that do not exist or repeat. */
export function transferChecks(config: Config): Problem[] {
  const problems: Problem[] = [];
  for (const [id, p] of Object.entries(config.providers)) {
    if (p.kind !== 'builtin') continue;
    const at = ['providers', id];
    const names = p.tsigKeys.map((k) => canonical(k.name));
    const known = `known: ${p.tsigKeys.map((k) => k.name).join(', ') || '(none: add providers.' + id + '.tsigKeys)'}`;
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        problems.push({ at: [...at, 'tsigKeys', i, 'name'], path: '', message: `duplicate TSIG key "${n}"` });
    });
    p.allowTransfer.forEach((e, i) => {
      if (e.key !== undefined && !names.includes(canonical(e.key)))
        problems.push({
          at: [...at, 'allowTransfer', i, 'key'],
          path: '',
          message: `unknown TSIG key "${e.key}"; ${known}`,
        });
    });
    if (p.secondaries.length > 0 && p.allowTransfer.length === 0)
      problems.push({
        at: [...at, 'secondaries'],
        path: '',
        message: `secondaries are told of changes but allowTransfer is empty, so they cannot transfer the zones; add their addresses or a key they sign with to providers.${id}.allowTransfer`,
      });
    if (p.notifyKey !== undefined && !names.includes(canonical(p.notifyKey)))
      problems.push({
        at: [...at, 'notifyKey'],
        path: '',
        message: `unknown TSIG key "${p.notifyKey}"; ${known}`,
      });
  }
  return problems;
}

function canonical(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/** Warnings: geo and weighted records in zones that secondaries transfer. */
export function transferWarnings(config: Config, text: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  config.zones.forEach((zone, zi) => {
    const p = config.providers[zone.provider];
    if (p?.kind !== 'builtin' || (p.allowTransfer.length === 0 && p.secondaries.length === 0)) return;
    zone.records.forEach((rec, ri) => {
      const at = ['zones', zi, 'records', ri, 'policy', 'kind'];
      const where = { path: formatPath(at), line: lineIn(text, at) };
      if (rec.policy.kind === 'geo')
        out.push({
          ...where,
          message: `${rec.name} ${rec.type} is geo: secondaries of ${zone.name} (allowTransfer/secondaries on provider ${zone.provider}) get the \`default\` rule's answer for every client; only the builtin server answers by location. Put geo names in a zone that is not transferred to keep them geo everywhere`,
        });
      else if (rec.policy.kind === 'weighted')
        out.push({
          ...where,
          message: `${rec.name} ${rec.type} is weighted: secondaries of ${zone.name} (allowTransfer/secondaries on provider ${zone.provider}) serve every healthy (weight > 0) value in one answer, not in proportion to the weights${rec.type === 'CNAME' ? ' (a CNAME carries only the heaviest target)' : ''}`,
        });
    });
  });
  return out;
}
