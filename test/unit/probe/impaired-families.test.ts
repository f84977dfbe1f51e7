// The agent's judgement of its own path per address family: every check of a family failing in two
// regions or more means this prober's own IPv6 (or IPv4) path, not every region at once.
import { describe, expect, it } from 'vitest';
import { impairedFamiliesOf } from '../../../src/probe/agent.ts';
import type { EndpointCheck } from '../../../src/probe/index.ts';

const check = (endpoint: string, region: string, family?: 'ipv4' | 'ipv6'): EndpointCheck => ({
  endpoint,
  region,
  ...(family ? { family } : {}),
  check: { description: endpoint, timeoutMs: 1, run: async () => ({ ok: true, latencyMs: 1, detail: 'ok' }) },
});

const CHECKS = [
  check('use-a', 'us-east', 'ipv4'),
  check('use-a', 'us-east', 'ipv6'),
  check('euw-a', 'eu-west', 'ipv4'),
  check('euw-a', 'eu-west', 'ipv6'),
  check('aps-a', 'ap-south'),
];

/** Both families in us-east and eu-west; ap-south has one IPv4 address. */
const WITH = new Map([
  ['ipv4' as const, new Set(['us-east', 'eu-west', 'ap-south'])],
  ['ipv6' as const, new Set(['us-east', 'eu-west'])],
]);

const latest = (failing: string[]) =>
  new Map(
    ['use-a ipv4', 'use-a ipv6', 'euw-a ipv4', 'euw-a ipv6', 'aps-a'].map((k) => [k, !failing.includes(k)]),
  );

describe('impairedFamiliesOf', () => {
  it('every IPv6 check failing in two regions: impaired on IPv6 only', () => {
    expect(impairedFamiliesOf(CHECKS, latest(['use-a ipv6', 'euw-a ipv6']), WITH)).toEqual(['ipv6']);
  });

  it('one region failing on IPv6 is that region, not this prober', () => {
    expect(impairedFamiliesOf(CHECKS, latest(['use-a ipv6']), WITH)).toEqual([]);
  });

  it('needs two regions with checks of the family, and a result of each', () => {
    expect(impairedFamiliesOf(CHECKS.slice(0, 2), latest(['use-a ipv6']), WITH)).toEqual([]);
    expect(impairedFamiliesOf(CHECKS, new Map([['use-a ipv6', false]]), WITH)).toEqual([]);
  });

  it('not while a region with an address of the family is not probed per family: it may be the one to fail over to', () => {
    const withSingle = new Map([...WITH, ['ipv6' as const, new Set(['us-east', 'eu-west', 'ap-south'])]]);
    expect(impairedFamiliesOf(CHECKS, latest(['use-a ipv6', 'euw-a ipv6']), withSingle)).toEqual([]);
  });
});
