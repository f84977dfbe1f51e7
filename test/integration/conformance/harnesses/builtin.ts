// Conformance harness for the builtin provider: its real zone store file in a temp dir, opened
// through the provider factory. A hand edit is another process's write to the same file (a second
// ZoneStore), which the adapter must see before it writes. No credentials, no throttling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZoneStore } from '../../../../providers/builtin/index.ts';
import { createProvider } from '../../../../providers/index.ts';
import { normaliseName, normaliseRecord, sortRecords } from '../../../../src/model/index.ts';
import type { Harness } from '../harness.ts';

export function builtinHarness(): Harness {
  let dir = '';
  let n = 0;
  return {
    name: 'builtin (zone store file)',
    kind: 'builtin',
    id: 'local',
    gates: {
      auth: 'the builtin provider writes a local file: there are no credentials to refuse',
      throttle: 'the builtin zone store never throttles',
    },
    missing: () => undefined,
    async start() {
      dir = mkdtempSync(join(tmpdir(), 'gf-conformance-builtin-'));
    },
    async stop() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async zone() {
      const name = `c${++n}.example.com`;
      const storeFile = join(dir, `${name}.json`);
      return {
        name,
        provider: { kind: 'builtin', storeFile },
        open: (config) => createProvider('local', { owner: config.owner, config, env: {} }),
        async handEdit(r) {
          const other = new ZoneStore(storeFile);
          other.loadOrEmpty();
          const apex = normaliseName(name);
          const rec = normaliseRecord(r);
          await other.update((data) => {
            const kept = (data.zones[apex] ?? []).filter(
              (x) => !(x.name === rec.name && x.type === rec.type),
            );
            return { ...data.zones, [apex]: sortRecords([...kept, rec]) };
          });
          other.close();
        },
      };
    },
  };
}
