// Probe agents reporting to a controller over HTTPS with a private CA: an agent trusting the CA
// delivers its reports; one trusting another CA is refused by TLS, logs one clear error naming the
// config key to fix, and keeps probing and buffering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../../src/controller/index.ts';
import { type Ca, HAVE_OPENSSL, issue, makeCa } from './certs.ts';
import {
  agentFor,
  captureLogger,
  configYaml,
  parseConfig,
  startTlsController,
  tcpTarget,
  tempDir,
  waitFor,
} from './harness.ts';

describe.skipIf(!HAVE_OPENSSL)('reports over HTTPS with a private CA', () => {
  const dir = tempDir();
  let ca: Ca;
  let otherCa: Ca;
  let ctl: RunningController;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  const yaml = (controllers?: string) =>
    configYaml({
      stateDir: dir,
      port: target.port,
      controller: `tls: { certFile: ${dir}/server.pem, keyFile: ${dir}/server.key }`,
      ...(controllers ? { controllers } : {}),
    });

  beforeAll(async () => {
    ca = makeCa(dir, 'ca');
    otherCa = makeCa(dir, 'other-ca');
    issue(dir, ca, 'server');
    target = await tcpTarget();
    ctl = await startTlsController(parseConfig(yaml()));
  }, 30_000);

  afterAll(async () => {
    await ctl?.stop();
    target?.close();
  });

  it('serves https and an agent trusting the CA reports', async () => {
    expect(ctl.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = agentFor(parseConfig(yaml(`[{ url: "${ctl.url}", ca: ${ca.cert} }]`)), 'p1');
    agent.start();
    try {
      await waitFor('p1 fresh at the controller', () => ctl.engine.snapshot().freshProbers.includes('p1'));
      await waitFor('a report accepted', () => (agent.stats().controllers[0]?.reportsSent ?? 0) > 0);
      expect(agent.stats().controllers[0]?.failures).toBe(0);
    } finally {
      await agent.stop(500);
    }
  });

  it('an agent trusting another CA is refused with a clear error, logs it and keeps probing', async () => {
    const { logger, lines } = captureLogger();
    const agent = agentFor(parseConfig(yaml(`[{ url: "${ctl.url}", ca: ${otherCa.cert} }]`)), 'p2', {
      logger,
    });
    agent.start();
    try {
      await waitFor('a failed send', () => (agent.stats().controllers[0]?.failures ?? 0) > 0);
      const stats = agent.stats().controllers[0]!;
      expect(stats.reportsSent).toBe(0);
      expect(stats.lastError).toContain('not signed by a CA we trust');
      expect(stats.lastError).toContain(`the CA in ${otherCa.cert}`);
      expect(stats.lastError).toContain('set controllers[0].ca');
      const logged = lines().find((l) => String(l.msg ?? '').includes('not signed by a CA we trust'));
      expect(logged?.level).toBe(40);
      expect(logged?.msg).toMatch(
        /^controller https:\/\/127\.0\.0\.1:\d+ unreachable \(1 attempt\): .*set controllers\[0\]\.ca/,
      );
      // It keeps probing and buffering while refused.
      const started = agent.stats().checksStarted;
      await waitFor('more checks', () => agent.stats().checksStarted > started + 2);
      await waitFor('results buffered', () => (agent.stats().controllers[0]?.buffered ?? 0) > 0);
      expect(ctl.engine.snapshot().freshProbers).not.toContain('p2');
    } finally {
      await agent.stop(500);
    }
  });

  it('an agent without a ca (system CAs only) is refused the same way', async () => {
    const agent = agentFor(parseConfig(yaml(`["${ctl.url}"]`)), 'p2');
    agent.start();
    try {
      await waitFor('a failed send', () => (agent.stats().controllers[0]?.failures ?? 0) > 0);
      expect(agent.stats().controllers[0]?.lastError).toContain('(the system CAs)');
    } finally {
      await agent.stop(500);
    }
  });
});
