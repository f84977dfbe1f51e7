// The capability declaration is the one source: adapters derive their run-time flags from it, and
// the README's two provider tables (policies by provider; traffic control) say what it declares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  adapterCapabilities,
  capabilitiesOf,
  definitions,
  type ProviderCapabilities,
} from '../../../providers/index.ts';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import { hasFeature } from '../../../providers/registry/index.ts';
import type { Feature } from '../../../src/model/index.ts';
import { policyDefinitionOf, policyDefinitions } from '../../../src/policy/index.ts';

const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

/** The markdown table whose header row starts with `start`: header cells and body rows. */
function table(start: string): { head: string[]; rows: string[][] } {
  const lines = readme.split('\n');
  const at = lines.findIndex((l) => l.startsWith(start));
  expect(at, `README has a table starting ${start}`).toBeGreaterThanOrEqual(0);
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
  const rows: string[][] = [];
  for (let i = at + 2; lines[i]?.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { head: cells(lines[at]!), rows };
}

/** A provider config as a table row names it: `cloudflare`, `mode: records` or cloudflare (records). */
function configOf(first: string): { kind: string; mode?: string } {
  const kind = /^`?([a-z0-9]+)/.exec(first)![1]!;
  const mode = /mode: ([a-z-]+)`/.exec(first)?.[1] ?? /\(([a-z-]+)\)/.exec(first)?.[1];
  return mode === undefined ? { kind } : { kind, mode };
}

/** What a policy kind becomes on a provider: yes, refused, or one plain set. */
function verdict(caps: ProviderCapabilities, policy: string): string {
  const support = policyDefinitionOf(policy).needs.map((f) => caps[f]);
  if (support.every((s) => s === true)) return 'yes';
  if (support.some((s) => typeof s === 'object' && 'plain' in s)) return 'one round-robin set';
  return 'refused';
}

describe('provider capabilities', () => {
  it('adapters carry the flags derived from their declaration', () => {
    expect(new MemoryProvider('m', 'o').capabilities).toEqual(
      adapterCapabilities(capabilitiesOf({ kind: 'memory' })),
    );
    // Merged by the planner: the adapter says so; merged by the adapter itself: it does not.
    expect(adapterCapabilities(capabilitiesOf({ kind: 'powerdns' })).plainWeighted).toBe(true);
    expect(adapterCapabilities(capabilitiesOf({ kind: 'rfc2136' })).plainWeighted).toBeUndefined();
    expect(adapterCapabilities(capabilitiesOf({ kind: 'cloudflare', mode: 'records' }))).toEqual({
      weighted: false,
      geo: false,
      multiValue: true,
      atomicBatch: true,
      sharedAcrossProcesses: true,
      copyPerReplica: false,
      servedOverDns: true,
    });
  });

  it("the README's policies-by-provider table says what each declaration lets a policy kind become", () => {
    const { head, rows } = table('| provider ');
    expect(head.slice(1)).toEqual(policyDefinitions.map((d) => d.kind));
    const named = new Set(rows.map((r) => configOf(r[0]!).kind));
    // memory is for tests; every other kind has a row.
    for (const d of definitions) if (d.kind !== 'memory') expect(named, d.kind).toContain(d.kind);
    for (const row of rows) {
      const caps = capabilitiesOf(configOf(row[0]!));
      head.slice(1).forEach((policy, i) => {
        expect(row[i + 1], `${row[0]} ${policy}`).toMatch(new RegExp(`^${verdict(caps, policy)}`));
      });
    }
  });

  it("the README's traffic-control table says yes exactly where a declaration has the feature", () => {
    const columns: Record<string, Feature> = {
      weighted: 'weighted',
      'endpoint weights': 'endpointWeights',
      'failback ramp': 'failbackRamp',
      'CNAME at apex': 'apexCname',
      alias: 'alias',
    };
    const { head, rows } = table('| provider (mode) ');
    expect(head.slice(1)).toEqual(Object.keys(columns));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const caps = capabilitiesOf(configOf(row[0]!));
      head.slice(1).forEach((col, i) => {
        const yes = hasFeature(caps, columns[col]!);
        expect(row[i + 1], `${row[0]} ${col}`).toMatch(yes ? /^yes/ : /^no/);
      });
    }
  });
});
