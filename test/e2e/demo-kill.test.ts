// A demo killed without a chance to clean up (SIGKILL) still leaves no probe agent running: each agent
// notices its parent is gone and stops itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, childrenOf, cmdline, spawnGeofailover, waitFor } from './demo-helpers.ts';

describe('demo killed with SIGKILL', { timeout: 60_000 }, () => {
  it('leaves no probe agent behind', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'geofailover-e2e-kill-'));
    const demo = spawnGeofailover(['demo', '--port', '0', '--dns-port', '0', '--state-dir', stateDir]);
    try {
      await demo.waitForOutput(/Press Ctrl-C to stop/);
      const probes = childrenOf(demo.child.pid!).filter((p) => cmdline(p).includes('probe'));
      expect(probes).toHaveLength(3);
      demo.child.kill('SIGKILL');
      await demo.exited;
      const left = await waitFor(
        'probe agents to stop',
        async () => probes.filter(alive),
        (l) => l.length === 0,
        15_000,
        100,
      );
      expect(left.value).toEqual([]);
    } finally {
      if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
