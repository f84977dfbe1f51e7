// The plan as people read it: per zone/provider banner, `+`/`~`/`-` lines with `before -> after` and
// `because …`, a summary, the safety verdicts and the checksum. ANSI colour only when asked for.
import type { Change, RecordSet } from '../model/index.ts';
import { summarise } from './assemble.ts';
import type { Plan, SafetyVerdict, ZonePlan } from './types.ts';

const ANSI = {
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  reset: '\x1b[0m',
};
type Colour = keyof typeof ANSI;

function paint(on: boolean) {
  return (colour: Colour, text: string) => (on ? `${ANSI[colour]}${text}${ANSI.reset}` : text);
}

function values(r: RecordSet): string {
  const vs = r.type === 'TXT' ? r.values.map((v) => `"${v}"`) : r.values;
  return vs.length === 0 ? '(empty)' : vs.join(', ');
}

function geoText(r: RecordSet): string | undefined {
  if (r.geo === undefined) return undefined;
  if (r.geo === 'default') return 'default';
  return (['continent', 'country', 'subdivision'] as const)
    .filter((k) => r.geo !== 'default' && r.geo?.[k] !== undefined)
    .map((k) => `${k}=${(r.geo as Record<string, string>)[k]}`)
    .join(',');
}

function label(r: RecordSet): string {
  return `${r.name} ${r.type}${r.setId === undefined ? '' : ` [${r.setId}]`}`;
}

/** Attributes beside the values: ttl, weight, geo; for an update only those that change (weight/geo always when set). */
function attributes(before: RecordSet | undefined, after: RecordSet | undefined): string[] {
  const out: string[] = [];
  const one = (after ?? before)!;
  if (before && after) {
    if (before.ttl !== after.ttl) out.push(`ttl ${before.ttl} -> ${after.ttl}`);
    if (before.weight !== after.weight) out.push(`weight ${before.weight ?? '-'} -> ${after.weight ?? '-'}`);
    else if (after.weight !== undefined) out.push(`weight ${after.weight}`);
    const bg = geoText(before);
    const ag = geoText(after);
    if (bg !== ag) out.push(`geo ${bg ?? '-'} -> ${ag ?? '-'}`);
    else if (ag !== undefined) out.push(`geo ${ag}`);
    const ba = before.alias ? `alias zone ${before.alias.hostedZoneId}` : undefined;
    const aa = after.alias ? `alias zone ${after.alias.hostedZoneId}` : undefined;
    if (ba !== aa) out.push(`${ba ?? 'no alias'} -> ${aa ?? 'no alias'}`);
    else if (aa !== undefined) out.push(aa);
    return out;
  }
  if (one.alias) out.push(`alias zone ${one.alias.hostedZoneId}`);
  else out.push(`ttl ${one.ttl}`);
  if (one.weight !== undefined) out.push(`weight ${one.weight}`);
  const g = geoText(one);
  if (g !== undefined) out.push(`geo ${g}`);
  return out;
}

function because(c: Change): string {
  if (c.reason.code === 'ownership') return `(ownership marker: ${c.reason.detail ?? 'owner'})`;
  if (c.reason.code === 'orphan') return `because it is ${c.reason.detail ?? 'no longer in config'}`;
  return `because ${c.reason.detail ?? c.reason.code}`;
}

export function changeLine(c: Change, colour = false): string {
  const p = paint(colour);
  const sym =
    c.kind === 'create'
      ? p('green', '+ create')
      : c.kind === 'update'
        ? p('yellow', '~ update')
        : p('red', '- delete');
  const r = (c.after ?? c.before)!;
  const vals = c.kind === 'update' ? `${values(c.before!)} -> ${values(c.after!)}` : values(r);
  const attrs = attributes(c.before, c.after);
  return `${sym} ${label(r)}  ${vals}${attrs.length > 0 ? ` (${attrs.join(', ')})` : ''}  ${because(c)}`;
}

function verdictLine(v: SafetyVerdict, z: ZonePlan, colour: boolean): string {
  const p = paint(colour);
  // --force passes every check but ownership; say so instead of hiding the failure.
  const status = v.ok
    ? p('green', 'ok      ')
    : z.forced && v.check !== 'ownership'
      ? p('yellow', 'FORCED  ')
      : p('red', 'REFUSED ');
  return `${status} ${v.check}: ${v.message}`;
}

function countLine(s: { create: number; update: number; delete: number }): string {
  return `${s.create} to create, ${s.update} to update, ${s.delete} to delete`;
}

export function renderZone(z: ZonePlan, colour = false): string[] {
  const p = paint(colour);
  const lines = [p('bold', `=== zone ${z.zone} / provider ${z.provider} (${z.providerKind}) ===`)];
  if (z.changes.length === 0) lines.push('  no changes');
  for (const c of z.changes) lines.push(`  ${changeLine(c, colour)}`);
  lines.push(`  ${countLine(summarise([z]))}; ${z.existing} owned record(s) before`);
  lines.push('  safety:');
  for (const v of z.safety) lines.push(`    ${verdictLine(v, z, colour)}`);
  if (!z.allowed) lines.push(`  ${p('red', 'REFUSED')}: nothing will be applied to ${z.zone}`);
  else if (z.safety.some((v) => !v.ok))
    lines.push(`  ${p('yellow', 'FORCED')}: applying despite failed checks (--force)`);
  lines.push(`  zone checksum: ${z.checksum}`);
  return lines;
}

export function renderText(plan: Plan, opts: { color?: boolean } = {}): string {
  const colour = opts.color === true;
  const p = paint(colour);
  const lines: string[] = [];
  for (const z of plan.zones) lines.push(...renderZone(z, colour), '');
  const refused = plan.zones.filter((z) => !z.allowed);
  lines.push(
    `Plan for owner ${plan.owner}: ${countLine(summarise(plan.zones))} in ${plan.zones.length} zone(s).`,
  );
  lines.push(
    refused.length === 0
      ? `Safety: ${p('green', 'ok')}`
      : `Safety: ${p('red', 'REFUSED')} in ${refused.map((z) => `${z.zone} (${z.provider})`).join(', ')}`,
  );
  lines.push(`Checksum: ${plan.checksum}`);
  return `${lines.join('\n')}\n`;
}
