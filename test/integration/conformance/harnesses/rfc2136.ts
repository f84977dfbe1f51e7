// Conformance harnesses for RFC 2136 on real servers, knotd and BIND named, each started once for the
// table with a pool of zones its TSIG key may update (one zone per case). A hand edit is an nsupdate
// signed with the same key; refused credentials are a wrong TSIG secret. DNS servers do not throttle.
import { Rfc2136Provider } from '../../../../providers/rfc2136/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import {
  foreignUpdate,
  hasBinary,
  KEY_NAME,
  type RunningServer,
  startBind,
  startKnot,
} from '../../rfc2136/servers.ts';
import type { Harness } from '../harness.ts';

const SECRET_ENV = 'GF_CONFORMANCE_TSIG';
/** One zone per case of the table, with room to spare. */
const POOL = Array.from({ length: 16 }, (_, i) => `c${i + 1}.conformance.test.`);

function open(config: Config, secret: string) {
  const cfg = config.providers.dns;
  if (cfg?.kind !== 'rfc2136') throw new Error('conformance config has no rfc2136 provider "dns"');
  return new Rfc2136Provider('dns', cfg, config.owner, { env: { [SECRET_ENV]: secret } });
}

function rfc2136Harness(
  server: 'knot' | 'bind',
  bin: string,
  start: (zones: readonly string[]) => Promise<RunningServer>,
): Harness {
  let running: RunningServer | undefined;
  let n = 0;
  return {
    name: `rfc2136 on ${server === 'knot' ? 'knotd' : 'BIND named'}`,
    kind: 'rfc2136',
    id: 'dns',
    gates: { throttle: `${bin} has no request limit that answers "slow down" to UPDATE` },
    missing: () =>
      [bin, 'kdig', 'nsupdate'].every(hasBinary)
        ? undefined
        : `${bin}, kdig or nsupdate is not installed (apt-get install knot knot-dnsutils bind9 bind9-dnsutils)`,
    async start() {
      running = await start(POOL);
    },
    async stop() {
      await running?.stop();
    },
    async zone() {
      const s = running!;
      const zone = POOL[n++];
      if (!zone) throw new Error(`the ${server} harness has only ${POOL.length} zones`);
      return {
        name: zone.slice(0, -1),
        provider: {
          kind: 'rfc2136',
          server: s.address,
          tsig: { name: KEY_NAME, algorithm: s.algorithm, secretEnv: SECRET_ENV },
          timeouts: { connect: '2s', response: '3s', transfer: '10s' },
        },
        open: async (config) => open(config, s.secret),
        handEdit: (r) =>
          foreignUpdate(
            s,
            [
              `update delete ${r.name}. ${r.type}`,
              ...r.values.map((v) => `update add ${r.name}. ${r.ttl} ${r.type} ${v}`),
            ],
            zone,
          ),
        async refusedLogin(config) {
          const secret = Buffer.alloc(s.algorithm === 'hmac-sha512' ? 64 : 32, 7).toString('base64');
          return { provider: open(config, secret), secret };
        },
      };
    },
  };
}

export const knotHarness = () => rfc2136Harness('knot', 'knotd', startKnot);
export const bindHarness = () => rfc2136Harness('bind', 'named', startBind);
