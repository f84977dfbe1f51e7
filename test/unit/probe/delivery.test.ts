// The agent's words for failing delivery and its liveness/readiness verdicts (pure): a refusal's body
// is read for its reason and clock offset, the summary says what failed, for how long, what is
// buffered and what to check, the repeats back off to every 30 s, readiness needs a recent accepted
// report, and a URL's credentials never reach a line.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/index.ts';
import {
  type DeliveryFailure,
  DeliveryLog,
  displayUrl,
  failureLine,
  type HealthInputs,
  keepRefused,
  liveness,
  parseRefusal,
  readiness,
  recoveryLine,
  summaryDelayMs,
  unreportedTooLong,
} from '../../../src/probe/index.ts';

const who = { prober: 'frankfurt', keySource: 'PROBER_FRANKFURT_KEY (probers[frankfurt].keyEnv)' };
const refused = (over: Partial<DeliveryFailure> = {}): DeliveryFailure => ({
  kind: 'refused',
  status: 401,
  reason: 'bad-signature',
  detail: 'signature does not match the body and prober key',
  since: 0,
  attempts: 12,
  ...over,
});

describe('delivery words', () => {
  it('reads the reason, detail and clock offset of either refusal shape', () => {
    expect(
      parseRefusal(
        '{"error":"stale-timestamp","detail":"signature time is 120 s behind","offsetSeconds":-120}',
      ),
    ).toEqual({
      reason: 'stale-timestamp',
      detail: 'signature time is 120 s behind',
      offsetSeconds: -120,
    });
    expect(
      parseRefusal(
        '{"error":"a client certificate is required (controller.tls.requireClientCert)","reason":"client-cert-required"}',
      ),
    ).toEqual({
      reason: 'client-cert-required',
      detail: 'a client certificate is required (controller.tls.requireClientCert)',
    });
    expect(parseRefusal('<html>\n\u0000bad gateway</html>')).toEqual({
      detail: '<html>; ?bad gateway</html>',
    });
    expect(parseRefusal(`{"error":"x","detail":"${'d'.repeat(1000)}"}`).detail).toHaveLength(300);
    expect(keepRefused(401)).toBe(true);
    expect(keepRefused(403)).toBe(true);
    expect(keepRefused(422)).toBe(false);
    expect(keepRefused(409)).toBe(false);
  });

  it('summarises a failing controller in one line with the remedy', () => {
    const buf = { buffered: 36, dropped: 0 };
    expect(failureLine('https://x:8443', refused(), buf, 40_000, who)).toBe(
      "controller https://x:8443 rejected 12 reports in 40 s: bad signature (401); 36 results buffered; check the key: PROBER_FRANKFURT_KEY (probers[frankfurt].keyEnv) must hold the same key as the controller's for prober frankfurt",
    );
    expect(
      failureLine(
        'https://x:8443',
        refused({ reason: 'stale-timestamp', offsetSeconds: -125, attempts: 1 }),
        { buffered: 1, dropped: 3 },
        0,
        who,
      ),
    ).toBe(
      "controller https://x:8443 rejected a report: stale timestamp (clock 125 s behind) (401); 1 result buffered, 3 dropped; fix the agent's clock (NTP: chrony or systemd-timesyncd)",
    );
    const down: DeliveryFailure = {
      kind: 'unreachable',
      detail: 'fetch failed (ECONNREFUSED)',
      since: 0,
      attempts: 7,
    };
    expect(failureLine('http://c:8080', down, buf, 65_000, who)).toMatch(
      /^controller http:\/\/c:8080 unreachable for 65 s \(7 attempts\): fetch failed \(ECONNREFUSED\); 36 results buffered; check the controller URL/,
    );
    expect(
      failureLine('http://c:8080', refused({ reason: 'unknown-prober', status: 403 }), buf, 1000, who),
    ).toContain(
      "unknown prober (403); 36 results buffered; check the prober id: the controller's config has no prober frankfurt",
    );
    expect(recoveryLine('http://c:8080', refused(), 36, 61_000)).toBe(
      'controller http://c:8080 accepted a report again after 61 s (12 failed: bad signature (401)); delivering 36 results buffered',
    );
  });

  it('repeats after 5, 10, 20 s, then every 30 s', () => {
    expect([1, 2, 3, 4, 5, 50].map(summaryDelayMs)).toEqual([5000, 10_000, 20_000, 30_000, 30_000, 30_000]);
  });

  it('never shows the credentials of a controller URL', () => {
    expect(displayUrl('https://user:secret@ctl.example:8443/')).toBe('https://ctl.example:8443');
    expect(displayUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(displayUrl('not a url')).toBe('(invalid URL)');
  });
});

describe('liveness and readiness', () => {
  const base: HealthInputs = {
    now: 100_000,
    startedAt: 0,
    stopping: false,
    lastTickAt: 99_500,
    maxTickAgeMs: 10_000,
    readyWindowMs: 15_000,
    controllers: [{ controller: 'http://c:8080', lastAccepted: 90_000, buffered: 0 }],
  };

  it('is live while the loop ticks and it is not stopping', () => {
    expect(liveness(base).ok).toBe(true);
    expect(liveness({ ...base, lastTickAt: 80_000 })).toEqual({
      ok: false,
      reason: 'the agent loop last ran 20 s ago (limit 10 s)',
    });
    expect(liveness({ ...base, stopping: true }).ok).toBe(false);
  });

  it('is ready while a controller accepted a report within the window, and says why not otherwise', () => {
    expect(readiness(base)).toEqual({ ok: true, reason: 'a controller accepted a report 10 s ago' });
    const failing = {
      ...base,
      controllers: [
        {
          controller: 'http://u:p@c:8080',
          lastAccepted: 70_000,
          failure: refused({ attempts: 4 }),
          buffered: 5,
        },
        {
          controller: 'http://d:8080',
          failure: { kind: 'unreachable', detail: 'ECONNREFUSED', since: 0, attempts: 9 } as DeliveryFailure,
          buffered: 5,
        },
      ],
    };
    expect(readiness(failing)).toEqual({
      ok: false,
      reason:
        'no controller accepted a report in the last 15 s: http://c:8080: bad signature (401) (4 failed, last accepted 30 s ago); http://d:8080: cannot connect: ECONNREFUSED (9 failed, none accepted yet)',
    });
    const never = { ...base, controllers: [{ controller: 'http://c:8080', buffered: 0 }] };
    expect(readiness(never).reason).toBe(
      'no controller accepted a report since the agent started 100 s ago: http://c:8080: none accepted yet',
    );
    expect(unreportedTooLong(never, 100_000)).toBe(true);
    expect(unreportedTooLong(never, 100_001)).toBe(false);
    expect(unreportedTooLong(base, 10_001)).toBe(false);
  });
});

describe('the delivery log', () => {
  function capture() {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
        cb();
      },
    });
    return { logger: createLogger('t', { destination: sink }), lines };
  }
  const flush = () => new Promise((r) => setImmediate(r));

  it('summarises at the first failure, after 5, 10, 20 s, then every 30 s, and once at recovery', async () => {
    let now = 0;
    const { logger, lines } = capture();
    const log = new DeliveryLog(who, logger, () => now);
    const source = {
      controller: 'http://c:8080',
      failure: refused({ attempts: 1 }),
      buffered: { buffered: 2, dropped: 0 },
    };
    log.failing(source);
    const at: number[] = [0];
    for (now = 1000; now <= 120_000; now += 1000) {
      const before = lines.length;
      log.tick([source]);
      await flush();
      if (lines.length > before) at.push(now / 1000);
    }
    expect(at).toEqual([0, 5, 15, 35, 65, 95]);
    expect(lines[0]!.level).toBe(50);
    expect(lines[0]!.msg).toMatch(/^controller http:\/\/c:8080 rejected a report: bad signature \(401\)/);
    log.recovered(source, source.failure);
    log.recovered(source, source.failure);
    await flush();
    expect(lines.at(-1)).toMatchObject({ level: 30 });
    expect(lines.at(-1)!.msg).toMatch(
      /^controller http:\/\/c:8080 accepted a report again after 2 m \(1 failed: bad signature \(401\)\); delivering 2 results buffered$/,
    );
    expect(lines).toHaveLength(at.length + 1);
  });

  it('a controller that fails and recovers on every report logs at most one failure line per 5 s', async () => {
    let now = 0;
    const { logger, lines } = capture();
    const log = new DeliveryLog(who, logger, () => now);
    const source = {
      controller: 'http://c:8080',
      failure: refused({ attempts: 1 }),
      buffered: { buffered: 0, dropped: 0 },
    };
    for (now = 0; now < 20_000; now += 500) {
      log.failing(source);
      log.tick([source]);
      log.recovered(source, source.failure);
    }
    await flush();
    // 20 s: 4 failure lines, each followed by its recovery.
    expect(lines.map((l) => l.level)).toEqual([50, 30, 50, 30, 50, 30, 50, 30]);
  });
});
