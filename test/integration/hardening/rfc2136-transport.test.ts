// Hostile transport under the RFC 2136 adapter, from crafted TCP servers: answers that trickle in a
// byte at a time, a transfer that never ends, a length prefix with nothing after it. Each exchange
// ends by its deadline however the bytes arrive.
import type { Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readTsig, sign } from '../../../providers/tsig/index.ts';
import { ProviderError } from '../../../src/model/index.ts';
import { HostileTally } from '../../helpers/hostile.ts';
import {
  closeFakes,
  fake,
  framed,
  goodAxfr,
  KEY,
  NS,
  response,
  SECRET,
  SOA,
  signedUpdateResponse,
} from '../rfc2136/fake-server.ts';
import { makeConfig, plan, provider, RECORDS } from '../rfc2136/helpers.ts';

const tally = new HostileTally('rfc2136-transport');
afterEach(closeFakes);
afterAll(() => tally.record());

const RESPONSE_MS = 300;
const TRANSFER_MS = 1000;
// Loopback connects at once; what is left over the deadline is timer and scheduling slack.
const SLACK_MS = 700;

function config(server: string, over: Record<string, unknown> = {}) {
  return makeConfig(server, [RECORDS.failover], {
    timeouts: { connect: '1s', response: `${RESPONSE_MS}ms`, transfer: `${TRANSFER_MS}ms` },
    ...over,
  });
}

async function timed<T>(p: Promise<T>): Promise<{ err: unknown; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: performance.now() - t0 };
}

/** Writes `bytes` to the socket one octet every `everyMs`, until done or the socket closes. */
function drip(sock: Socket, bytes: Buffer, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => {
    if (sock.destroyed || i >= bytes.length) {
      clearInterval(t);
      return;
    }
    sock.write(bytes.subarray(i, i + 1));
    i++;
  }, everyMs);
  sock.on('close', () => clearInterval(t));
}

describe('rfc2136 exchanges end by their deadline', () => {
  it('an UPDATE answer sent one byte every 100 ms ends at the response timeout', async () => {
    const transfer = await fake(goodAxfr);
    const server = await fake((req, _send, sock) => drip(sock, framed(signedUpdateResponse(req)), 100));
    const c = config(server, { transfer });
    const p = provider(c, SECRET);
    const first = await plan(c, p);
    const { err, ms } = await timed(p.apply(first.zone, first.changes));
    tally.add(err instanceof ProviderError && ms < RESPONSE_MS + SLACK_MS);
    expect(err).toBeInstanceOf(ProviderError);
    expect(ms).toBeLessThan(RESPONSE_MS + SLACK_MS);
    const e = err as ProviderError;
    expect(e.message).toMatch(
      /server 127\.0\.0\.1:\d+: UPDATE failed: no complete response within 300 ms \(\d+ of \d+ bytes arrived\)/,
    );
    expect(e.retryable).toBe(true);
  }, 30_000);

  it('an AXFR message sent one byte every 100 ms ends at the response timeout', async () => {
    const server = await fake((req, _send, sock) => {
      const t = readTsig(req)!;
      drip(sock, framed(sign(response(req, [SOA, NS, SOA]), KEY, { requestMac: t.mac }).message), 100);
    });
    const c = config(server);
    const { err, ms } = await timed(plan(c, provider(c, SECRET)));
    tally.add(err instanceof ProviderError && ms < RESPONSE_MS + SLACK_MS);
    expect(err).toBeInstanceOf(ProviderError);
    expect(ms).toBeLessThan(RESPONSE_MS + SLACK_MS);
    expect((err as Error).message).toMatch(
      /zone transfer \(AXFR\) failed: no complete response within 300 ms/,
    );
    expect((err as Error).message).toContain('nothing was written');
  }, 30_000);

  it('an AXFR whose messages each come in time but never reach the closing SOA ends at the transfer timeout', async () => {
    const server = await fake((req, send, sock) => {
      const t = readTsig(req)!;
      send(sign(response(req, [SOA, NS]), KEY, { requestMac: t.mac }).message);
      // Unsigned messages in between are allowed (up to 99 in a row); none of them ends the stream.
      const more = setInterval(() => (sock.destroyed ? clearInterval(more) : send(response(req, [NS]))), 100);
      sock.on('close', () => clearInterval(more));
    });
    const c = config(server);
    const { err, ms } = await timed(plan(c, provider(c, SECRET)));
    tally.add(err instanceof ProviderError && ms < TRANSFER_MS + SLACK_MS);
    expect(err).toBeInstanceOf(ProviderError);
    expect(ms).toBeLessThan(TRANSFER_MS + SLACK_MS);
    expect((err as Error).message).toMatch(
      /zone transfer \(AXFR\) failed: the transfer did not finish within 1000 ms \(\d+ records in \d+ messages so far\)/,
    );
    expect((err as ProviderError).context.remedy).toMatch(/timeouts/);
  }, 30_000);

  it('a length prefix for 65,535 bytes and then nothing ends at the response timeout', async () => {
    const server = await fake((_req, _send, sock) => sock.write(Buffer.from([0xff, 0xff, 0x12])));
    const c = config(server);
    const { err, ms } = await timed(plan(c, provider(c, SECRET)));
    tally.add(err instanceof ProviderError && ms < RESPONSE_MS + SLACK_MS);
    expect(ms).toBeLessThan(RESPONSE_MS + SLACK_MS);
    expect((err as Error).message).toMatch(/no complete response within 300 ms \(1 of 65535 bytes arrived\)/);
  });
});
