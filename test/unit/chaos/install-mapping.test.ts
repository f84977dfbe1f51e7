// The install test's pure parts, checked without namespaces: a shipped command line keeps its words
// and maps only install paths, $(VAR) and %i (an unmapped path is an error); a process's tree maps
// the installed paths and nothing else; the site config made from the shipped one is a valid config
// that keeps HTTPS, client certificates and controllersFrom.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import { mapCommandLine, parseEnv } from '../../e2e/chaos/install/command-line.ts';
import { CONTROLLERS, ETCD_MEMBERS, etcdEndpoint } from '../../e2e/chaos/install/layout.ts';
import { Root } from '../../e2e/chaos/install/roots.ts';
import { CONFIG_PATH, readShipped } from '../../e2e/chaos/install/shipped.ts';
import { siteConfig, siteFacts } from '../../e2e/chaos/install/site-config.ts';
import { BIN } from '../../e2e/chaos/procs.ts';

const dir = mkdtempSync(join(tmpdir(), 'gfoinst-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('install test mapping', () => {
  const root = new Root(join(dir, 'root'));
  root.write(CONFIG_PATH, 'owner: x\n');
  const shipped = readShipped(false);

  it("maps the probe unit's ExecStart: node, the package's CLI, the config, %i; keeps the rest", () => {
    const argv = mapCommandLine(shipped.probeExecStart, { root, instance: 'mumbai' });
    expect(argv[0]).toBe(process.execPath);
    expect(argv[1]).toBe(BIN);
    expect(argv.slice(2)).toEqual(
      shipped.probeExecStart
        .slice(2)
        .map((w) => (w === CONFIG_PATH ? root.path(CONFIG_PATH) : w.replace('%i', 'mumbai'))),
    );
    expect(argv).toContain('--exit-after-unreported');
  });

  it("maps a container's args after the image's ENTRYPOINT, expanding $(VAR) as kubelet does", () => {
    const argv = mapCommandLine([...shipped.entrypoint, ...shipped.probeArgs], {
      root,
      env: { PROBER_ID: 'frankfurt' },
    });
    expect(argv.slice(0, 2)).toEqual([process.execPath, BIN]);
    expect(argv).toContain('frankfurt');
    expect(argv).toContain(root.path(CONFIG_PATH));
    expect(() => mapCommandLine([...shipped.entrypoint, ...shipped.probeArgs], { root })).toThrow(
      /\$\(PROBER_ID\)/,
    );
  });

  it('refuses a path it does not map', () => {
    expect(() => mapCommandLine(['node', '/opt/elsewhere/thing.js'], { root })).toThrow(/does not map/);
  });

  it('maps /etc/geofailover* and /var/lib/geofailover into the tree, nothing else', () => {
    expect(root.path('/etc/geofailover-tls/ca.crt')).toBe(join(root.dir, 'etc/geofailover-tls/ca.crt'));
    expect(root.path('/var/lib/geofailover')).toBe(join(root.dir, 'var/lib/geofailover'));
    expect(root.path('/opt/geofailover/node_modules')).toBe('/opt/geofailover/node_modules');
    expect(root.mapText('ca: /etc/geofailover/tls/ca.crt # not /etc/hosts')).toBe(
      `ca: ${join(root.dir, 'etc/geofailover/tls/ca.crt')} # not /etc/hosts`,
    );
  });

  it('makes a valid site config: HTTPS with client certificates, controllersFrom, etcd over TLS', () => {
    const facts = siteFacts(shipped.siteConfig);
    const config = parseConfig(
      siteConfig(shipped.siteConfig, { self: CONTROLLERS[0]!, etcdUser: 'u', etcdPasswordEnv: 'P' }),
    );
    expect(config.controller.listen).toBe(`${CONTROLLERS[0]!.address}:${facts.apiPort}`);
    expect(config.controller.tls).toMatchObject({ clientCaFile: facts.tls.ca, requireClientCert: true });
    expect(config.controllers).toEqual([]);
    expect(config.controllersFrom).toMatchObject({
      env: facts.controllersEnv,
      ca: facts.tls.ca,
      certFile: facts.tls.certFile,
    });
    expect(config.controller.coordination).toMatchObject({
      kind: 'etcd',
      endpoints: ETCD_MEMBERS.map(etcdEndpoint),
      auth: { user: 'u', passwordEnv: 'P' },
    });
    expect(new Set(config.zones.map((z) => config.providers[z.provider]?.kind))).toEqual(
      new Set(['builtin']),
    );
    expect(parseEnv(shipped.controllersEnv)[facts.controllersEnv]).toMatch(/^https:\/\//);
  });
});
