// An alertmanager signal against a real Alertmanager: its webhook receiver points at the controller
// (POST /v1/signals/alertmanager, a bearer token of role signal from credentials_file, group_wait
// 0s), alerts are injected through Alertmanager's API (POST /api/v2/alerts). A firing HighErrorRate
// alert labelled region=eu-west vetoes eu-west (DNS fails over), resolving it releases the region
// through its failback hold-down. A push signal (PUT /v1/signals/NAME) takes the same path.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryProvider } from '../../../providers/memory/index.ts';
import type { StatusDoc } from '../../../src/api/index.ts';
import { parseConfig } from '../../../src/config/index.ts';
import { type RunningController, renderExplain, startController } from '../../../src/controller/index.ts';
import { silentLogger } from '../../../src/log/index.ts';
import { controllerYaml, ENDPOINTS, KEY_ENV, KEYS } from '../../helpers/controller-config.ts';
import { round } from '../../helpers/reports.ts';
import { Alertmanager, binary, until } from './servers.ts';

const bin = binary('alertmanager', 'prometheus-alertmanager');
if (!bin)
  console.warn(
    'skipping the alertmanager signal tests: no alertmanager binary (apt-get install prometheus-alertmanager)',
  );

const AM_TOKEN = 'am-signal-token-0123456789abcdef0123';
const LB_TOKEN = 'lb-signal-token-0123456789abcdef0123';
const ENV = { ...KEY_ENV, AM_TOKEN, LB_TOKEN };
const EU = '198.51.100.10';
const US = '192.0.2.10';
const RECORD =
  '      - { name: app.example.com, type: A, ttl: 30, policy: { kind: failover, order: [eu-west, us-east] } }';

const TOKENS =
  '[{ name: alertmanager, role: signal, tokenEnv: AM_TOKEN }, { name: lb-agent, role: signal, tokenEnv: LB_TOKEN }]';
const SIGNALS = `signals:
  - name: high-errors
    kind: alertmanager
    match: { alertname: HighErrorRate }
    regionLabel: region
    tokens: [alertmanager]
    expireAfter: 2h
    interval: 500ms
    fall: 1
    rise: 1
  - name: lb-pool
    kind: push
    tokens: [lb-agent]
    region: eu-west
    interval: 500ms
    fall: 1
    rise: 1
    maxExpiresIn: 10m
`;

async function status(url: string): Promise<StatusDoc> {
  return (await (await fetch(`${url}/v1/status`)).json()) as StatusDoc;
}

const appValues = (p: MemoryProvider) =>
  p.all('example.com.').find((r) => r.name === 'app.example.com.' && r.type === 'A')?.values;

const signal = (s: StatusDoc, name: string) => s.signals?.find((x) => x.name === name);

describe.skipIf(!bin)('alertmanager and push signals (real alertmanager)', () => {
  let ctl: RunningController;
  let am: Alertmanager;
  const mem = new MemoryProvider('p', 'signals-test');

  afterAll(async () => {
    await am?.stop();
    await ctl?.stop();
  });

  it('an alert firing in Alertmanager vetoes its region; resolved, the region returns after its hold-down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-sig-am-'));
    const start = (listen?: string) =>
      startController({
        config: parseConfig(
          controllerYaml({
            owner: 'signals-test',
            stateDir: dir,
            records: [RECORD],
            health: { failbackAfter: '2s' },
            extra: SIGNALS,
          }).replace('controller: { ', `controller: { tokens: ${TOKENS}, `),
        ),
        env: ENV,
        logger: silentLogger(),
        providers: new Map([['p', mem]]),
        ...(listen ? { listen } : {}),
      });
    ctl = await start();
    am = await Alertmanager.start(bin!, `${ctl.url}/v1/signals/alertmanager`, AM_TOKEN);
    const endpoints = [ENDPOINTS['us-east'], ENDPOINTS['eu-west']];
    await round(ctl.url, KEYS, endpoints);
    await round(ctl.url, KEYS, endpoints);
    await until(
      () => appValues(mem),
      (v) => v?.join() === EU,
    );
    const quiet = await until(
      () => status(ctl.url),
      (x) => signal(x, 'high-errors:eu-west')?.state === 'up',
    );
    expect(signal(quiet, 'high-errors:eu-west')).toMatchObject({
      signal: 'high-errors',
      kind: 'alertmanager',
      target: 'region eu-west',
      state: 'up',
      alertCount: 0,
    });

    // Fire: Alertmanager sends the group at once (group_wait 0s); eu-west is vetoed, DNS fails over.
    const fired = Date.now();
    await am.post(
      { alertname: 'HighErrorRate', region: 'eu-west', severity: 'page' },
      { summary: '5xx over 5%' },
    );
    await until(
      () => appValues(mem),
      (v) => v?.join() === US,
    );
    console.log(
      `alertmanager signal: alert posted -> DNS failed over in ${Date.now() - fired} ms (group_wait 0s, interval 500ms, fall 1)`,
    );
    const down = await status(ctl.url);
    const sig = signal(down, 'high-errors:eu-west')!;
    expect(sig).toMatchObject({ state: 'down', acting: true, alertCount: 1 });
    expect(sig.alerts![0]).toMatchObject({
      name: 'HighErrorRate',
      labels: { alertname: 'HighErrorRate', region: 'eu-west', severity: 'page' },
      summary: '5xx over 5%',
    });
    expect(sig.words).toMatch(/^eu-west down: alert HighErrorRate firing since \d\d:\d\d:\d\d UTC \(veto\)$/);
    // us-east has the same signal, mapped by its label: no alert for it.
    expect(signal(down, 'high-errors:us-east')).toMatchObject({ state: 'up', alertCount: 0 });
    const region = down.regions.find((r) => r.id === 'eu-west')!;
    expect(region.outBecause).toMatch(
      /^held down by signal high-errors:eu-west \(veto\): alert HighErrorRate firing since/,
    );
    const explained = renderExplain(
      (await (await fetch(`${ctl.url}/v1/explain?name=app.example.com`)).json()) as Parameters<
        typeof renderExplain
      >[0],
    );
    expect(explained).toMatch(
      /signal high-errors:eu-west: eu-west down: alert HighErrorRate firing since .* \(veto\)/,
    );
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toMatch(/geofailover_signal_alerts_firing\{signal="high-errors:eu-west"\} 1/);
    expect(metrics).toMatch(
      /geofailover_signal_deliveries_total\{route="alertmanager",result="accepted",reason=""\} [1-9]/,
    );

    // A restart (same state dir, same port) still holds the alert: Alertmanager would resend it only
    // after its repeat_interval (1h here).
    const listen = new URL(ctl.url).host;
    await ctl.stop();
    ctl = await start(listen);
    // The test's own keep-alive connections went to the stopped controller: retry until a fresh one.
    await until(
      () =>
        round(ctl.url, KEYS, endpoints).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
    );
    await round(ctl.url, KEYS, endpoints);
    const restarted = await until(
      () => status(ctl.url),
      (x) => signal(x, 'high-errors:eu-west')?.state === 'down' && x.regions.every((r) => r.decided),
    );
    expect(signal(restarted, 'high-errors:eu-west')).toMatchObject({ alertCount: 1 });
    expect(restarted.regions.find((r) => r.id === 'eu-west')!.status).toBe('down');
    expect(appValues(mem)?.join()).toBe(US);

    // Resolve: endsAt in the past; Alertmanager sends the resolved alert (send_resolved) on its next flush.
    await am.post(
      { alertname: 'HighErrorRate', region: 'eu-west', severity: 'page' },
      {
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    );
    await until(
      () => status(ctl.url),
      (s) => signal(s, 'high-errors:eu-west')?.state === 'up',
    );
    await until(
      () => appValues(mem),
      (v) => v?.join() === EU,
    );
    const events = (await (await fetch(`${ctl.url}/v1/events?type=signal-transition`)).json()) as {
      events: { to: string; evidence: Record<string, unknown> }[];
    };
    const euw = events.events.filter((e) => e.evidence.signal === 'high-errors:eu-west');
    // The restarted controller decided it down again from what it had held.
    expect(euw.map((e) => e.to)).toEqual(['up', 'down', 'down', 'up']);
    expect(euw[1]!.evidence).toMatchObject({ kind: 'alertmanager', effect: 'veto', alertCount: 1 });
  });

  it('a push holds eu-west down until it is lifted (or expires), with the pusher as the actor', async () => {
    const push = (body: unknown, token = LB_TOKEN) =>
      fetch(`${ctl.url}/v1/signals/lb-pool`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await push({ state: 'down', reason: 'pool drained by the LB', expiresIn: '5m' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      signal: 'lb-pool',
      pushed: 'down',
      reason: 'pool drained by the LB',
    });
    await until(
      () => appValues(mem),
      (v) => v?.join() === US,
    );
    const s = signal(await status(ctl.url), 'lb-pool')!;
    expect(s.words).toMatch(
      /^eu-west down: pushed down by lb-agent until \d\d:\d\d:\d\d UTC: pool drained by the LB \(veto\)$/,
    );
    // Alertmanager's token may not push.
    expect((await push({ state: 'up', reason: 'x' }, AM_TOKEN)).status).toBe(403);
    expect((await push({ state: 'up', reason: 'LB pool back' })).status).toBe(200);
    await until(
      () => appValues(mem),
      (v) => v?.join() === EU,
    );
    const events = (await (await fetch(`${ctl.url}/v1/events?type=signal-push`)).json()) as {
      events: { actor?: string; to: string }[];
    };
    expect(events.events.map((e) => [e.actor, e.to])).toEqual([
      ['lb-agent', 'down'],
      ['lb-agent', 'up'],
    ]);
  });
});
