// The etcd coordination config: endpoints with a scheme and a port (https:// by name), TLS files and
// a user whose password comes from the environment or a file; each mistake is one problem at its
// YAML path and line, and a password is never repeated in a message.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configWarnings,
  parseConfig,
  secretProblems,
  secretRefs,
} from '../../../src/config/index.ts';

const base = `owner: t
regions:
  - id: a
    endpoints: [{ id: a1, address: 192.0.2.1, check: { kind: tcp, port: 80 } }]
providers:
  local: { kind: builtin }
zones:
  - { name: example.com, provider: local, records: [] }
controller:
  coordination:
    kind: etcd
`;

function problems(coordination: string): { path: string; line?: number; message: string }[] {
  try {
    parseConfig(base + coordination, 'c.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('controller.coordination: etcd', () => {
  it('takes https endpoints by name with TLS files and a user, or http endpoints alone', () => {
    const text = `${base}    endpoints: ["https://etcd-1.internal:2379", "https://etcd-2.internal:2379/"]
    tls: { ca: /etc/gf/etcd-ca.pem, certFile: /etc/gf/etcd.pem, keyFile: /etc/gf/etcd.key }
    auth: { user: geofailover, passwordEnv: ETCD_PASSWORD }
`;
    const c = parseConfig(text, 'c.yaml').controller.coordination;
    expect(c).toMatchObject({
      kind: 'etcd',
      endpoints: ['https://etcd-1.internal:2379', 'https://etcd-2.internal:2379'],
      leaseTtl: 10_000,
      tls: { ca: '/etc/gf/etcd-ca.pem', certFile: '/etc/gf/etcd.pem', keyFile: '/etc/gf/etcd.key' },
      auth: { user: 'geofailover', passwordEnv: 'ETCD_PASSWORD' },
    });
    expect(problems('    endpoints: ["http://127.0.0.1:2379"]\n')).toEqual([]);
  });

  it('an endpoint without a scheme names the two forms to write instead', () => {
    expect(problems('    endpoints: ["https://etcd-1:2379", "etcd-2:2379"]\n')).toEqual([
      {
        path: 'controller.coordination.endpoints[1]',
        line: 12,
        message:
          'etcd endpoint "etcd-2:2379" has no scheme: write https://etcd-2:2379 (TLS, with tls.ca) or http://etcd-2:2379 (plain text)',
      },
    ]);
  });

  it.each([
    ['https://etcd-1', /has no port: add it, e\.g\. https:\/\/etcd-1:2379/],
    [
      'grpc://etcd-1:2379',
      /has the scheme grpc:\/\/; etcd endpoints are https:\/\/HOST:PORT or http:\/\/HOST:PORT/,
    ],
    ['http://etcd-1:2379/v3', /has a path or query; an etcd endpoint is http:\/\/etcd-1:2379 only/],
    [
      'https://127.0.0.1:2379',
      /needs a DNS name that etcd's certificate lists, not the IP address 127\.0\.0\.1/,
    ],
    ['https://[::1]:2379', /not the IP address ::1/],
  ])('%s is refused: %s', (endpoint, message) => {
    const p = problems(`    endpoints: ["${endpoint}"]\n`);
    expect(p).toHaveLength(1);
    expect(p[0]!.path).toBe('controller.coordination.endpoints[0]');
    expect(p[0]!.message).toMatch(message);
  });

  it('credentials in an endpoint are refused without being repeated', () => {
    const p = problems('    endpoints: ["https://root:s3cret-pw@etcd-1:2379"]\n');
    expect(p[0]!.message).toContain('holds credentials; give the user in auth.user');
    expect(JSON.stringify(p)).not.toContain('s3cret-pw');
    expect(JSON.stringify(problems('    endpoints: ["root:s3cret-pw@etcd-1:2379"]\n'))).not.toContain(
      's3cret-pw',
    );
  });

  it('mixed schemes, TLS files on http://, half a client certificate, and auth without or with both secrets', () => {
    expect(problems('    endpoints: ["https://a.internal:2379", "http://b.internal:2379"]\n')).toEqual([
      expect.objectContaining({
        path: 'controller.coordination.endpoints[1]',
        message: expect.stringContaining('every etcd endpoint must use the same scheme'),
      }),
    ]);
    expect(problems('    endpoints: ["http://a:2379"]\n    tls: { ca: /ca.pem }\n')).toEqual([
      expect.objectContaining({
        path: 'controller.coordination.tls',
        message: 'tls applies only to https:// endpoints: write the endpoints as https://HOST:PORT',
      }),
    ]);
    expect(
      problems('    endpoints: ["https://a:2379"]\n    tls: { ca: /ca.pem, certFile: /c.pem }\n'),
    ).toEqual([
      expect.objectContaining({
        path: 'controller.coordination.tls',
        message: 'certFile and keyFile go together (the client certificate and its key)',
      }),
    ]);
    const authOf = (a: string) => problems(`    endpoints: ["https://a:2379"]\n    auth: ${a}\n`);
    for (const a of ['{ user: gf }', '{ user: gf, passwordEnv: P, passwordFile: /p }'])
      expect(authOf(a)).toEqual([
        expect.objectContaining({
          path: 'controller.coordination.auth',
          message: 'auth needs passwordEnv or passwordFile (one of them): where the password comes from',
        }),
      ]);
    expect(authOf('{ user: gf, password: hunter2 }')[0]!.message).toContain('unknown key "password"');
  });

  it('validate names an unset password variable, and warns of a password sent over http://', () => {
    const text = `${base}    endpoints: ["http://etcd-1:2379"]\n    auth: { user: geofailover, passwordEnv: ETCD_PASSWORD }\n`;
    const config = parseConfig(text, 'c.yaml');
    expect(secretRefs(config)).toContainEqual({
      at: ['controller', 'coordination', 'auth', 'passwordEnv'],
      envVar: 'ETCD_PASSWORD',
      usedBy: 'etcd user geofailover',
    });
    expect(secretProblems(config, text, {})).toEqual([
      {
        path: 'controller.coordination.auth.passwordEnv',
        line: 13,
        message: 'environment variable ETCD_PASSWORD is not set (needed by etcd user geofailover)',
        remedy: expect.stringMatching(/^export ETCD_PASSWORD where geofailover runs/),
      },
    ]);
    expect(configWarnings(config, text)).toContainEqual({
      path: 'controller.coordination.auth',
      line: 13,
      message:
        'the etcd password goes over plain http:// (readable on the network); use https:// endpoints with tls.ca',
    });
  });
});
