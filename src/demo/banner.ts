// What the demo prints when it is up: where things are, what to try, how to break and heal a region.
// Pure text; no secret is printed (the API token is in a file, named here, never its value).
import { DEMO_ZONE, type DemoRegionLayout } from './config.ts';

export interface BannerInfo {
  controllerUrl: string;
  dnsHost: string;
  dnsPort: number;
  stateDir: string;
  tokenFile: string;
  failbackAfter: string;
  layout: readonly DemoRegionLayout[];
  /** Lines saying a preferred port was taken and another was used. */
  notes: readonly string[];
}

export function demoBanner(b: BannerInfo): string {
  const dig = (name: string, extra = '') =>
    `dig @${b.dnsHost} -p ${b.dnsPort} ${name}.${DEMO_ZONE} +short${extra}`;
  const [first, second, third] = b.layout.map((r) => r.id);
  const regions = b.layout.map((r) => `${r.id} ${r.endpoints.map((e) => e.address).join(', ')}`).join(' · ');
  const lines = [
    '',
    'geofailover demo is running (loopback only)',
    '',
    ...b.notes.map((n) => `  note: ${n}`),
    ...(b.notes.length > 0 ? [''] : []),
    `  controller  ${b.controllerUrl}`,
    `  DNS server  ${b.dnsHost}:${b.dnsPort} (UDP and TCP), zone ${DEMO_ZONE}`,
    `  regions     ${regions}`,
    `  state, logs ${b.stateDir}`,
    '',
    'Ask the DNS server (the answer tells which region serves):',
    `  ${dig('app')}      failover ${first} -> ${second} -> ${third}`,
    `  ${dig('api')}      weighted 50/30/20`,
    `  ${dig('www', ' +subnet=81.0.0.0/24')}   geo: an EU client gets ${second}`,
    '',
    'Break a region, watch the answer move, then heal it:',
    `  curl -X POST ${b.controllerUrl}/demo/regions/${first}/fail      (or slow, down)`,
    `  curl -X POST ${b.controllerUrl}/demo/regions/${first}/heal      (traffic returns after failbackAfter ${b.failbackAfter})`,
    `    each further flap doubles that wait; the dashboard and status say how long, and why`,
    '',
    'What the controller believes, and why:',
    `  node bin/geofailover.js status --controller ${b.controllerUrl}`,
    `  node bin/geofailover.js events --controller ${b.controllerUrl}`,
    `  GEOFAILOVER_API_TOKEN=$(cat ${b.tokenFile}) node bin/geofailover.js drain ${second} --reason test --controller ${b.controllerUrl}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}
