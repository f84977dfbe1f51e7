// controllersFrom: the controller URLs come from one environment variable (comma-separated), so the
// same config file serves every region and each deployment names its controllers in one place. The
// variable's URLs obey the same plain-HTTP rule as literal ones; an unset one is a missing setting.
import { describe, expect, it } from 'vitest';
import {
  type Config,
  controllersProblems,
  parseConfig,
  resolveControllers,
  splitControllerUrls,
} from '../../../src/config/index.ts';

const yaml = (from: string, controllers = '[]') => `
owner: shop
regions:
  - { id: us-east, endpoints: [{ id: use-a, address: 192.0.2.10, check: { kind: tcp, port: 443 } }] }
probers: [{ id: virginia, keyEnv: K }]
health: { minProbers: 1 }
controllers: ${controllers}
controllersFrom: ${from}
providers: { local: { kind: builtin } }
`;

const load = (from: string, controllers?: string): { config: Config; text: string } => {
  const text = yaml(from, controllers);
  return { config: parseConfig(text, 'site.yaml'), text };
};

describe('controllersFrom', () => {
  it('splits on commas and spaces, ignoring blanks', () => {
    expect(splitControllerUrls(' https://a:8443, https://b:8443,,\nhttps://c:8443 ')).toEqual([
      'https://a:8443',
      'https://b:8443',
      'https://c:8443',
    ]);
    expect(splitControllerUrls(' , ')).toEqual([]);
  });

  it('gives each URL of the variable, after the literal list, with the TLS files on the https:// ones', () => {
    const { config } = load(
      '{ env: GEOFAILOVER_CONTROLLERS, ca: /etc/geofailover/tls/ca.crt, certFile: /c.pem, keyFile: /c.key }',
      '["http://127.0.0.1:8080"]',
    );
    const r = resolveControllers(config, {
      GEOFAILOVER_CONTROLLERS:
        'https://gslb-0.example.net:8443,https://gslb-1.example.net:8443,http://geofailover-api.geofailover.svc:8080',
    });
    expect(r.problems).toEqual([]);
    expect(r.targets).toEqual([
      { url: 'http://127.0.0.1:8080', where: 'controllers[0]' },
      ...[0, 1].map((i) => ({
        url: `https://gslb-${i}.example.net:8443`,
        where: 'controllersFrom',
        ca: '/etc/geofailover/tls/ca.crt',
        certFile: '/c.pem',
        keyFile: '/c.key',
      })),
      // In the cluster, plain HTTP to a Service name: no TLS files for it.
      { url: 'http://geofailover-api.geofailover.svc:8080', where: 'controllersFrom' },
    ]);
  });

  it('an unset or blank variable is `unset` (a warning for validate, an error with --check-env), with its line', () => {
    const { config, text } = load('{ env: GEOFAILOVER_CONTROLLERS }');
    for (const env of [{}, { GEOFAILOVER_CONTROLLERS: '  ' }]) {
      expect(controllersProblems(config, text, env)).toEqual([
        {
          path: 'controllersFrom.env',
          line: 8,
          kind: 'unset',
          message:
            'environment variable GEOFAILOVER_CONTROLLERS is not set: set it to the controller URLs, comma-separated (e.g. GEOFAILOVER_CONTROLLERS=https://gslb-api.example.net:8443)',
        },
      ]);
    }
  });

  it('refuses what is not a URL, plain HTTP beyond loopback and the cluster, and a controller listed twice', () => {
    const { config, text } = load('{ env: CTL }', '["https://gslb.example.net:8443"]');
    const problems = controllersProblems(config, text, {
      CTL: 'gslb.example.net:8443,http://gslb.example.net:8080,https://GSLB.example.net:8443',
    });
    expect(problems.map((p) => [p.kind, p.line, p.path])).toEqual([
      ['invalid', 8, 'controllersFrom.env'],
      ['invalid', 8, 'controllersFrom.env'],
      ['invalid', 8, 'controllersFrom.env'],
    ]);
    expect(problems[0]!.message).toBe(
      'CTL item 1 "gslb.example.net:8443" is not an http:// or https:// URL (e.g. https://gslb-api.example.net:8443)',
    );
    expect(problems[1]!.message).toMatch(
      /^CTL item 2: "http:\/\/gslb\.example\.net:8080" is plain HTTP .* set allowPlaintext: true on controllersFrom if/,
    );
    expect(problems[2]!.message).toBe(
      'https://GSLB.example.net:8443 is listed twice (controllers[0] and controllersFrom): give each controller once',
    );
  });

  it('allowPlaintext: true on controllersFrom lets it hold http:// URLs of a private network', () => {
    const { config } = load('{ env: CTL, allowPlaintext: true }');
    const r = resolveControllers(config, { CTL: 'http://10.0.0.5:8080' });
    expect(r.problems).toEqual([]);
    expect(r.targets.map((t) => t.url)).toEqual(['http://10.0.0.5:8080']);
  });

  it('the schema wants a variable name and the client certificate with its key', () => {
    expect(() => load('{ env: "https://gslb.example.net" }')).toThrow(
      'must be the name of an environment variable',
    );
    expect(() => load('{ env: CTL, certFile: /c.pem }')).toThrow('certFile and keyFile go together');
    expect(() => load('{ env: CTL, url: "https://x" }')).toThrow('unknown key "url"');
  });
});
