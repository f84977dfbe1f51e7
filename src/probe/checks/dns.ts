// The dns check kind: one query over UDP (dns2's Packet codec on a node:dgram socket, so the check can
// be aborted and timed like the others); passes on a NOERROR answer of the asked type, or one that
// contains the expected value.
import { z } from 'zod';
import { duration, hostPort } from '../../config/fields/index.ts';
import { type CheckTarget, defineCheck } from './definition.ts';
import { lazily } from './lazy.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';

const queryType = z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA']);

// The numbers dns2's Packet.TYPE gives them, here so that a check is validated before dns2 is loaded.
const QTYPE: Record<z.output<typeof queryType>, number> = {
  A: 1,
  AAAA: 28,
  CNAME: 5,
  TXT: 16,
  NS: 2,
  SOA: 6,
};

const dnsSchema = z.strictObject({
  kind: z.literal('dns'),
  /** The server to ask, HOST:PORT (defaults to the endpoint address, port 53; a dual-stack endpoint's
   *  check asks each family's address, on this port). */
  server: hostPort.optional(),
  name: z.string().min(1),
  type: queryType.default('A'),
  /** A value the answer must contain; without it any answer passes. */
  expect: z.string().optional(),
  timeout: duration.optional(),
});

const loadDns = async () => {
  const [dgram, net, dns2] = await Promise.all([import('node:dgram'), import('node:net'), import('dns2')]);
  return { dgram, isIP: net.isIP, Packet: dns2.Packet };
};
type Dns = Awaited<ReturnType<typeof loadDns>>;
const withDns = lazily(loadDns);

function splitHostPort(server: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server);
  if (!m) throw new Error(`server "${server}" must be HOST:PORT`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`server "${server}" has an invalid port`);
  return { host: m[1]!, port };
}

const norm = (v: string) => v.toLowerCase().replace(/\.$/, '');

/** The textual value of an answer record, by type. */
function answerValue(a: Record<string, unknown>): string | undefined {
  if (typeof a.address === 'string') return a.address;
  if (typeof a.domain === 'string') return a.domain;
  if (typeof a.ns === 'string') return a.ns;
  if (typeof a.primary === 'string') return a.primary;
  if (Array.isArray(a.data)) return a.data.join('');
  if (typeof a.data === 'string') return a.data;
  return undefined;
}

function compileDnsCheck(
  check: z.output<typeof dnsSchema>,
  { address, timeoutMs: defaultTimeoutMs, family }: CheckTarget,
): RunnableCheck {
  const named = check.server ? splitHostPort(check.server) : { host: address, port: 53 };
  // Probing one family of a dual-stack endpoint: that family's address, on the server's port.
  const { host, port } = family === undefined ? named : { host: address, port: named.port };
  if (host === '') throw new Error('dns check has no server (set `server` or an endpoint address)');
  const qtype = Object.hasOwn(QTYPE, check.type) ? QTYPE[check.type] : undefined;
  if (qtype === undefined) throw new Error(`dns check type ${check.type} is not supported`);
  const timeoutMs = check.timeout ?? defaultTimeoutMs;
  const expect = check.expect === undefined ? undefined : norm(check.expect);

  const ask = ({ dgram, isIP, Packet }: Dns, signal?: AbortSignal): Promise<CheckOutcome> =>
    new Promise<CheckOutcome>((resolve) => {
      const start = performance.now();
      let settled = false;
      const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
      const finish = (ok: boolean, detail: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        try {
          socket.close();
        } catch {
          // already closed
        }
        resolve({ ok, latencyMs: elapsed(start), detail });
      };
      const onAbort = () => finish(false, 'aborted (agent stopping)');
      const timer = setTimeout(
        () => finish(false, `timeout after ${timeoutMs} ms (no DNS answer)`),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      const query = new Packet();
      query.header.id = Math.floor(Math.random() * 65535);
      query.header.rd = 1;
      query.questions.push({
        name: check.name,
        type: qtype,
        class: Packet.CLASS.IN,
      } as unknown as (typeof query.questions)[number]);
      socket.on('error', (err) => finish(false, describeError(err)));
      socket.on('message', (msg) => {
        let res: InstanceType<typeof Packet>;
        try {
          res = Packet.parse(msg);
        } catch {
          return; // not a DNS answer; keep waiting for the real one
        }
        if (res.header.id !== query.header.id) return;
        if (res.header.rcode !== 0) {
          finish(false, `rcode ${res.header.rcode} for ${check.name} ${check.type}`);
          return;
        }
        const values = (res.answers as unknown as Record<string, unknown>[])
          .filter((a) => a.type === qtype)
          .map(answerValue)
          .filter((v): v is string => v !== undefined);
        if (values.length === 0) finish(false, `no ${check.type} answer for ${check.name}`);
        else if (expect !== undefined && !values.some((v) => norm(v) === expect)) {
          finish(false, `answer ${values.join(',')} does not contain ${check.expect}`);
        } else finish(true, `answer ${values.slice(0, 4).join(',')}`);
      });
      socket.send(query.toBuffer(), port, host, (err) => {
        if (err) finish(false, describeError(err));
      });
    });
  const run = (signal?: AbortSignal) => withDns((dns) => ask(dns, signal));
  return {
    description: `dns ${check.name} ${check.type} @${host}:${port}`,
    label: `dns ${check.name} ${check.type}`,
    timeoutMs,
    run,
  };
}

export const dns = defineCheck({ kinds: ['dns'], schema: dnsSchema, compile: compileDnsCheck });
