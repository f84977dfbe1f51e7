// Validate's checks of `fallback` written on a zone or the whole config (record-level ones are
// invalid fixtures): where each message points, and the combinations that stay valid.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, parseConfig } from '../../../src/config/index.ts';

const HEAD = `owner: shop
regions:
  - id: us-east
    endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }]
  - id: eu-west
    endpoints: [{ id: euw-a, address: 198.51.100.10, check: { kind: tcp, port: 443 } }]
  - id: ap-south
    endpoints: [{ id: aps-a, address: 203.0.113.10, check: { kind: tcp, port: 443 } }]
providers:
  local: { kind: builtin }
  cf: { kind: cloudflare, zoneId: 0123456789abcdef0123456789abcdef, apiTokenEnv: CF_TOKEN, mode: load-balancer }
`;

const zone = (name: string, provider: string, extra = '') => `  - name: ${name}
    provider: ${provider}${extra}
    records:
      - { name: app.${name}, type: A, ttl: 60, policy: { kind: failover, order: [us-east, eu-west] } }
`;

function problems(text: string): ConfigProblem[] {
  try {
    parseConfig(text, 'f.yaml');
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('fallback on a zone or the whole config', () => {
  it('a config-wide any-up reaching a Cloudflare load-balancer zone is refused at the config’s key', () => {
    const text = `${HEAD}fallback: any-up\nzones:\n${zone('example.com', 'local')}${zone('example.net', 'cf')}`;
    expect(problems(text)).toEqual([
      {
        path: 'fallback',
        line: 12,
        message:
          'fallback any-up cannot be expressed on provider "cf" (cloudflare, mode load-balancer) of zone example.net: it answers only from the regions a rule names (then its own fallback pool), never from a region chosen when they are down; write fallback: none on zone example.net, or put the zone on a provider that publishes the chosen answer (builtin, route53)',
      },
    ]);
  });

  it('is valid when that zone writes fallback: none over it', () => {
    const text = `${HEAD}fallback: any-up\nzones:\n${zone('example.com', 'local')}${zone('example.net', 'cf', '\n    fallback: none')}`;
    expect(problems(text)).toEqual([]);
  });

  it('a zone list that adds a region to none of its records is refused; one that helps any record is fine', () => {
    const useless = `${HEAD}zones:\n${zone('example.com', 'local', '\n    fallback: [eu-west]')}`;
    expect(problems(useless)).toEqual([
      {
        path: 'zones[0].fallback',
        line: 15,
        message:
          'fallback [eu-west] names only regions record app.example.com A already answers from (us-east, eu-west), so it changes no answer; name a region outside them (ap-south), write any-up, or remove it',
      },
    ]);
    expect(
      problems(`${HEAD}zones:\n${zone('example.com', 'local', '\n    fallback: [eu-west, ap-south]')}`),
    ).toEqual([]);
  });

  it('names a region given twice, and an unknown one, at its own item', () => {
    const text = `${HEAD}fallback: [ap-south, ap-south, mars]\nzones:\n${zone('example.com', 'local')}`;
    expect(problems(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'fallback[1]: region "ap-south" is named twice',
      'fallback[2]: unknown region "mars"; known: us-east, eu-west, ap-south',
    ]);
  });
});
