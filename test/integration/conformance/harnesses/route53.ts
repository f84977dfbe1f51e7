// Conformance harnesses for Route 53: moto's emulator (moto_server on a free loopback port), where
// refused credentials are real (moto's IAM check switched on, an unknown access key sent), and the
// strict fake, for what moto gets wrong (compare-and-swap DELETEs, updates, throttling).
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { Route53Provider } from '../../../../providers/route53/index.ts';
import type { Config } from '../../../../src/config/index.ts';
import { FakeRoute53 } from '../../../fakes/route53/index.ts';
import { createZone, type MotoServer, motoMissing, startMoto } from '../../../helpers/moto.ts';
import type { HandRecord, Harness } from '../harness.ts';

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDCONFORMANCE0001', AWS_SECRET_ACCESS_KEY: 'conformance-not-a-secret' };
/** Short retry and poll delays: the table exercises behaviour, not Route 53's pacing. */
const FAST = { retry: { baseMs: 5, capMs: 40 }, poll: { firstMs: 5, factor: 2, maxMs: 40 } };

function open(config: Config, env: NodeJS.ProcessEnv): Route53Provider {
  const cfg = config.providers.aws;
  if (cfg?.kind !== 'route53') throw new Error('conformance config has no route53 provider "aws"');
  return new Route53Provider('aws', cfg, config.owner, { ...FAST, env });
}

export function route53MotoHarness(): Harness {
  let moto: MotoServer | undefined;
  let client: Route53Client | undefined;
  let n = 0;
  return {
    name: 'route53 on moto_server',
    kind: 'route53',
    id: 'aws',
    gates: {
      updates:
        'moto_server 5.2 answers "already exists" to a CREATE of a record set its change journal held before, so a failback or a weight change fails there (the strict fake harness runs them)',
      cas: 'moto_server does not check a DELETE against the current values (the strict fake harness runs it)',
      throttle: 'moto_server cannot throttle (the strict fake harness runs it)',
    },
    missing: () => motoMissing,
    async start() {
      moto = await startMoto();
      client = new Route53Client({
        region: 'us-east-1',
        endpoint: moto.url,
        maxAttempts: 1,
        credentials: { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY },
      });
    },
    async stop() {
      client?.destroy();
      await moto?.stop();
    },
    async zone() {
      const name = `c${++n}.example.com`;
      const m = moto!;
      const hostedZoneId = await createZone(
        m.url,
        { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY },
        name,
      );
      return {
        name,
        provider: {
          kind: 'route53',
          hostedZoneId,
          endpoint: m.url,
          requestsPerSecond: 1000,
          syncTimeout: '10s',
        },
        open: async (config) => open(config, KEYS),
        async handEdit(r: HandRecord) {
          await client!.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: hostedZoneId,
              ChangeBatch: {
                Changes: [
                  {
                    Action: 'UPSERT',
                    ResourceRecordSet: {
                      Name: r.name,
                      Type: r.type,
                      TTL: r.ttl,
                      ResourceRecords: r.values.map((Value) => ({ Value })),
                    },
                  },
                ],
              },
            }),
          );
        },
        async refusedLogin(config) {
          const secret = 'wrong-secret-conformance-0000';
          await m.authenticate(true);
          return {
            provider: open(config, {
              AWS_ACCESS_KEY_ID: 'AKIDUNKNOWN000000000',
              AWS_SECRET_ACCESS_KEY: secret,
            }),
            secret,
            done: () => m.authenticate(false),
          };
        },
      };
    },
  };
}

/**
 * Route 53 on the strict fake (the real SDK over HTTP), one hosted zone per case: it checks every
 * DELETE against the current values and answers Throttling on demand. It accepts any signed request,
 * so refused credentials are left to the moto harness.
 */
export function route53FakeHarness(): Harness {
  let fake: FakeRoute53 | undefined;
  let n = 0;
  return {
    name: 'route53 on the strict fake',
    kind: 'route53',
    id: 'aws',
    gates: {
      auth: 'the strict fake accepts any signed request (the moto_server harness refuses an unknown key)',
    },
    missing: () => undefined,
    async start() {
      fake = await new FakeRoute53({ pendingPolls: 1 }).start();
    },
    async stop() {
      await fake?.close();
    },
    async zone() {
      const f = fake!;
      const name = `c${++n}.example.com`;
      const zone = f.createZone(name);
      const throttled = () => f.log.filter((l) => l.code === 'Throttling').length;
      let base = throttled();
      return {
        name,
        provider: { kind: 'route53', hostedZoneId: zone.id, endpoint: f.url, requestsPerSecond: 1000 },
        open: async (config) => open(config, KEYS),
        handEdit: async (r) => zone.put({ name: `${r.name}.`, type: r.type, ttl: r.ttl, values: r.values }),
        throttle: {
          start: (times, writesOnly) =>
            f.failNext(writesOnly ? 'ChangeResourceRecordSets' : 'any', 'Throttling', times),
          served: () => throttled() - base,
          clear: () => {
            f.clearFaults();
            base = throttled();
          },
        },
      };
    },
  };
}
