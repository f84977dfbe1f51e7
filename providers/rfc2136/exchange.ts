// The two conversations with the server, both TSIG-signed over TCP: a zone transfer (AXFR, RFC 5936:
// a stream of messages from SOA to the same SOA, every signed message verified) and one UPDATE
// (a single response, its MAC verified before its rcode is believed).
import { randomInt } from 'node:crypto';
import { GeofailoverError } from '../../src/model/index.ts';
import { sign, type TsigKey } from '../tsig/index.ts';
import { type ErrorScope, MalformedResponse, mapError, rcodeError, TsigError } from './errors.ts';
import { ResponseVerifier } from './response-verifier.ts';
import { type Endpoint, TcpExchange, TransportError } from './transport.ts';
import { buildAxfr, buildUpdate, type DecodedRR, decodeMessage, rcodeName, responseHeader } from './wire.ts';

export interface Timeouts {
  connect: number;
  response: number;
  transfer: number;
}

function checkHeader(msg: Buffer, id: number, opcode: number): { rcode: number } {
  if (msg.length < 12)
    throw new MalformedResponse(`a ${msg.length}-byte message is shorter than a DNS header`);
  const h = responseHeader(msg);
  if (h.id !== id) throw new MalformedResponse(`response id ${h.id} does not match request id ${id}`);
  if (!h.qr) throw new MalformedResponse('the message is not a response (QR bit clear)');
  if (h.opcode !== opcode)
    throw new MalformedResponse(`response opcode ${h.opcode}, request opcode ${opcode}`);
  return { rcode: h.rcode };
}

/**
 * Every response must verify before anything in it is believed, its rcode included (BIND and Knot
 * sign REFUSED, NXRRSET and YXRRSET too); the server's own TSIG error (BADSIG/BADKEY, sent without a
 * MAC by design) surfaces as what it is.
 */
function verifyResponse(verifier: ResponseVerifier, msg: Buffer, rcode: number): void {
  try {
    verifier.verify(msg);
  } catch (err) {
    if (err instanceof TsigError && err.problem === 'missing' && rcode !== 0)
      throw new TsigError(
        'missing',
        `the server answered ${rcodeName(rcode)} without a TSIG signature, so the answer cannot be trusted`,
      );
    throw err;
  }
}

export async function transferZone(
  ep: Endpoint,
  zone: string,
  key: TsigKey,
  t: Timeouts,
  scope: ErrorScope,
  signal?: AbortSignal,
): Promise<DecodedRR[]> {
  const zoneName = zone.replace(/\.$/, '').toLowerCase();
  const records: DecodedRR[] = [];
  let messages = 0;
  let ex: TcpExchange | undefined;
  const deadline = Date.now() + t.transfer;
  // The whole transfer, not only each message, ends by the deadline: a stream of messages that each
  // come in time but never reach the closing SOA must not hold the zone's reads forever.
  const overdue = () =>
    new TransportError(
      'timeout',
      `the transfer did not finish within ${t.transfer} ms (${records.length} records in ${messages} messages so far)`,
    );
  try {
    ex = await TcpExchange.open(ep, t.connect, signal);
    const id = randomInt(0, 0x10000);
    const { message, mac } = sign(buildAxfr(id, zoneName), key);
    ex.send(message);
    const verifier = new ResponseVerifier(key, mac);
    for (;;) {
      const now = Date.now();
      if (now >= deadline) throw overdue();
      let msg: Buffer;
      try {
        msg = await ex.next(Math.min(now + t.response, deadline), signal);
      } catch (err) {
        if (err instanceof TransportError && err.problem === 'timeout' && Date.now() >= deadline)
          throw overdue();
        if (messages > 0)
          throw new MalformedResponse(
            `the AXFR stopped mid-stream after ${records.length} records in ${messages} message(s), before the closing SOA (${(err as Error).message})`,
          );
        throw err;
      }
      messages++;
      const { rcode } = checkHeader(msg, id, 0);
      verifyResponse(verifier, msg, rcode);
      if (rcode !== 0) throw rcodeError(rcode, scope, false);
      let decoded: ReturnType<typeof decodeMessage>;
      try {
        decoded = decodeMessage(msg);
      } catch (err) {
        throw new MalformedResponse(
          `message ${messages} of the AXFR cannot be decoded (${(err as Error).message})`,
        );
      }
      for (const rr of decoded.answers) {
        if (records.length === 0 && (rr.type !== 'SOA' || rr.name.toLowerCase() !== zoneName))
          throw new MalformedResponse(
            `the AXFR does not start with the SOA of ${zoneName} (got ${rr.name} ${rr.type})`,
          );
        records.push(rr);
        if (records.length > 1 && rr.type === 'SOA' && rr.name.toLowerCase() === zoneName) {
          verifier.finish();
          return records;
        }
      }
    }
  } catch (err) {
    throw mapError(err, scope);
  } finally {
    ex?.close();
  }
}

/**
 * What an error after the UPDATE left us says about the server's state: a verified answer (an rcode,
 * the server's TSIG verdict) says it applied nothing; anything else (the connection cut, no answer in
 * time, an answer we cannot read or trust) leaves the outcome unknown: it may have been applied.
 */
function outcomeKnown(err: unknown): boolean {
  if (err instanceof TsigError) return err.problem === 'server-error';
  return err instanceof GeofailoverError;
}

/**
 * Sends one UPDATE and checks its response; resolves on NOERROR, throws the typed error otherwise.
 * The exchange ends by `t.connect` + `t.response` at the latest, however the answer arrives.
 */
export async function sendUpdate(
  ep: Endpoint,
  zone: string,
  prereqs: readonly Buffer[],
  updates: readonly Buffer[],
  key: TsigKey,
  t: Timeouts,
  scope: ErrorScope,
  signal?: AbortSignal,
): Promise<void> {
  let ex: TcpExchange | undefined;
  let sent = false;
  try {
    ex = await TcpExchange.open(ep, t.connect, signal);
    const id = randomInt(0, 0x10000);
    const { message, mac } = sign(buildUpdate(id, zone, prereqs, updates), key);
    ex.send(message);
    sent = true;
    const msg = await ex.next(Date.now() + t.response, signal);
    const { rcode } = checkHeader(msg, id, 5);
    const verifier = new ResponseVerifier(key, mac);
    verifyResponse(verifier, msg, rcode);
    if (rcode !== 0) throw rcodeError(rcode, scope, true);
  } catch (err) {
    throw mapError(err, sent && !outcomeKnown(err) ? { ...scope, written: scope.unknown } : scope);
  } finally {
    ex?.close();
  }
}

/** UPDATE message size without its TSIG RR. */
export function updateOverhead(zone: string): number {
  return buildUpdate(0, zone, [], []).length;
}
