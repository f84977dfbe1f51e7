// The hidden-primary side of the builtin server: answers AXFR/IXFR to clients in allowTransfer,
// REFUSED to everyone else, with TSIG checked first (RFC 8945). It reads the zone data and the
// journal from the store snapshot (the store file every worker process follows), so any worker can
// serve any transfer. Transports hand it each message first; it claims transfer requests only (the
// engine answers every other query, signed or not: tsig-gate.ts).
import dnsPacket from 'dns-packet';
import type { Logger } from '../../../src/log/index.ts';
import { absoluteName, frameTcp } from '../../dnswire/index.ts';
import {
  RCODE_NOTAUTH,
  rejectionAnswer,
  sign,
  signNext,
  skipName,
  type TsigKey,
  tsigErrorName,
  tsigPlacement,
  tsigRecordSize,
  verify,
  WireError,
} from '../../tsig/index.ts';
import { zoneAt } from '../journal.ts';
import { serialCompare } from '../serial.ts';
import type { StoreSnapshot } from '../store.ts';
import { type AclEntry, allowed } from './xfr-acl.ts';
import { flattenRecords, soaAnswer, zoneAnswers } from './xfr-flatten.ts';
import {
  encodeRR,
  errorResponse,
  fullTransfer,
  incrementalTransfer,
  optRecord,
  packMessages,
  type ResponseHead,
  XFR_MESSAGE_LIMIT,
} from './xfr-messages.ts';
import { buildZoneIndex } from './zones.ts';

const TYPE_IXFR = 251;
const TYPE_AXFR = 252;
const TYPE_OPT = 41;
const CLASS_IN = 1;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, REFUSED: 5 } as const;

export interface TransferServiceOptions {
  providerId: string;
  apexes: readonly string[];
  /** The provider's `nameservers` (the zones' NS set and SOA MNAME, as the server publishes them). */
  nameservers: readonly string[];
  acl: readonly AclEntry[];
  keys: ReadonlyMap<string, TsigKey>;
  udpPayloadSize: number;
  logger?: Logger;
  /** Outgoing transfers at once per process; more get SERVFAIL (the secondary retries). */
  maxTransfers?: number;
  messageLimit?: number;
  /** Seconds since the epoch (tests). */
  now?: () => number;
}

interface ZoneVersion {
  serial: number;
  soa: Buffer;
  records: Buffer[];
}

export interface TransferStats {
  axfr: number;
  ixfr: number;
  refused: number;
  badTsig: number;
}

/** What a TCP transport gives the service: write framed messages, know when they drained. */
export interface TransferSocket {
  write(data: Buffer): boolean;
  readonly writableLength: number;
  once(event: 'drain' | 'close', fn: () => void): unknown;
  destroyed: boolean;
}

export class TransferService {
  private snapshot: StoreSnapshot | undefined;
  private readonly versions = new Map<string, ZoneVersion>();
  private readonly apexes: Set<string>;
  private active = 0;
  private lastLog = '';
  readonly counters: TransferStats = { axfr: 0, ixfr: 0, refused: 0, badTsig: 0 };

  constructor(private readonly o: TransferServiceOptions) {
    this.apexes = new Set(o.apexes);
  }

  /** Serve this store version from now on. */
  update(snapshot: StoreSnapshot): void {
    this.snapshot = snapshot;
    this.versions.clear();
  }

  /** A UDP message: the response when it is ours (IXFR, AXFR), else undefined. */
  answerUdp(msg: Buffer, peer: string): Buffer | undefined {
    const out = this.answer(msg, 'udp', peer);
    return out?.[0];
  }

  /**
   * A TCP message: when it is ours, write the framed response messages to `socket` and return true.
   * A client that stops reading holds only its own buffered messages (the transport's idle timeout
   * then closes it); the number of transfers in flight is capped.
   */
  serveTcp(msg: Buffer, peer: string, socket: TransferSocket): boolean {
    const out = this.answer(msg, 'tcp', peer);
    if (!out) return false;
    for (const m of out) socket.write(frameTcp(m));
    if (out.length > 1 && socket.writableLength > 0 && !socket.destroyed) {
      this.active++;
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        this.active--;
      };
      socket.once('drain', release);
      socket.once('close', release);
    }
    return true;
  }

  /** Claim and answer a message; undefined when it is not a transfer request. */
  answer(msg: Buffer, transport: 'udp' | 'tcp', peer: string): Buffer[] | undefined {
    if (msg.length < 12 || (msg[2]! & 0x80) !== 0 || ((msg[2]! >> 3) & 0xf) !== 0) return undefined;
    let qtype: number;
    let qend: number;
    try {
      if (msg.readUInt16BE(4) !== 1) return undefined;
      qend = skipName(msg, 12) + 4;
      if (qend > msg.length) return undefined;
      qtype = msg.readUInt16BE(qend - 4);
    } catch {
      return undefined;
    }
    if (qtype !== TYPE_AXFR && qtype !== TYPE_IXFR) return undefined; // the engine's, signed or not
    try {
      // RFC 8945 §5.2: a TSIG anywhere but last (or twice) is FORMERR, never a request read as unsigned.
      let place: ReturnType<typeof tsigPlacement> | 'malformed';
      try {
        place = tsigPlacement(msg);
      } catch {
        place = 'malformed';
      }
      if (place === 'misplaced' || place === 'malformed') {
        this.log(
          'warn',
          {
            peer,
            why: place === 'misplaced' ? 'TSIG record not the last record' : 'records run past the end',
          },
          'malformed zone transfer request; answered FORMERR',
        );
        return [errorResponse(this.head(msg, qend, false), RCODE.FORMERR)];
      }
      return this.answerClaimed(msg, transport, peer, qtype, qend, place === 'last');
    } catch (err) {
      this.log(
        'warn',
        { peer, err: (err as Error).message },
        'zone transfer request failed; answered SERVFAIL',
      );
      return [errorResponse(this.head(msg, qend, false), RCODE.SERVFAIL)];
    }
  }

  private head(msg: Buffer, qend: number, edns: boolean): ResponseHead {
    return {
      id: msg.readUInt16BE(0),
      question: Buffer.from(msg.subarray(12, qend)),
      rd: (msg[2]! & 0x01) !== 0,
      ...(edns ? { opt: optRecord(this.o.udpPayloadSize) } : {}),
    };
  }

  private answerClaimed(
    msg: Buffer,
    transport: 'udp' | 'tcp',
    peer: string,
    qtype: number,
    qend: number,
    signed: boolean,
  ): Buffer[] {
    let decoded: ReturnType<typeof dnsPacket.decode>;
    try {
      decoded = dnsPacket.decode(msg);
    } catch (err) {
      this.log(
        'warn',
        { peer, err: (err as Error).message },
        'malformed zone transfer request; answered FORMERR',
      );
      return [errorResponse(this.head(msg, qend, false), RCODE.FORMERR)];
    }
    const edns = (decoded.additionals ?? []).some(
      (a) => (a.type as string) === 'OPT' || (a as { type: unknown }).type === TYPE_OPT,
    );
    const head = this.head(msg, qend, edns);
    const qname = absoluteName(decoded.questions?.[0]?.name ?? '');
    const zoneName = `${qname}`;

    // TSIG first: a signed request gets a signed answer or a TSIG error (RFC 8945 §5.2).
    let key: TsigKey | undefined;
    let requestMac: Buffer | undefined;
    if (signed) {
      const now = this.now();
      let outcome: ReturnType<typeof verify>;
      try {
        outcome = verify(msg, (n) => this.o.keys.get(n), { now });
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        this.log('warn', { peer, err: err.message }, 'malformed TSIG record; answered FORMERR');
        return [errorResponse(head, RCODE.FORMERR)];
      }
      if (outcome && !outcome.ok) {
        this.counters.badTsig++;
        this.log(
          'warn',
          {
            peer,
            zone: zoneName,
            tsigKey: outcome.tsig.keyName,
            tsigError: tsigErrorName(outcome.error),
            why: outcome.reason,
          },
          'request with a bad TSIG signature; answered NOTAUTH',
        );
        return [rejectionAnswer(errorResponse(head, RCODE_NOTAUTH), outcome, now)];
      }
      if (outcome?.ok) {
        key = outcome.key;
        requestMac = outcome.tsig.mac;
      }
    }
    const signAll = (msgs: Buffer[]): Buffer[] => {
      if (!key || !requestMac) return msgs;
      const out: Buffer[] = [];
      let { message, mac } = sign(msgs[0]!, key, { requestMac, now: this.now() });
      out.push(message);
      for (const m of msgs.slice(1)) {
        ({ message, mac } = signNext([m], key, mac, { now: this.now() }));
        out.push(message);
      }
      return out;
    };

    const kind = qtype === TYPE_AXFR ? 'AXFR' : 'IXFR';
    const snap = this.snapshot;
    if (msg.readUInt16BE(qend - 2) !== CLASS_IN) {
      this.counters.refused++;
      return signAll([errorResponse(head, RCODE.REFUSED)]); // we serve class IN zones only
    }
    if (!this.apexes.has(qname) || !snap) {
      this.counters.refused++;
      this.log(
        'info',
        { peer, zone: zoneName, kind },
        'zone transfer of a zone we do not serve; answered NOTAUTH',
      );
      return signAll([errorResponse(head, RCODE_NOTAUTH)]);
    }
    if (!allowed(this.o.acl, peer, key?.name)) {
      this.counters.refused++;
      this.log(
        'warn',
        { peer, zone: qname, kind, tsigKey: key?.name ?? null },
        'zone transfer refused: client not in allowTransfer',
      );
      return signAll([errorResponse(head, RCODE.REFUSED)]);
    }
    if (kind === 'AXFR' && transport === 'udp') {
      // RFC 5936 §4.2: AXFR is a TCP protocol.
      return signAll([errorResponse(head, RCODE.REFUSED)]);
    }
    if (transport === 'tcp' && this.active >= (this.o.maxTransfers ?? 32)) {
      this.log(
        'warn',
        { peer, zone: qname, active: this.active },
        'too many zone transfers at once; answered SERVFAIL',
      );
      return signAll([errorResponse(head, RCODE.SERVFAIL)]);
    }

    const current = this.version(qname, snap);
    let records: Buffer[];
    let note: Record<string, unknown>;
    if (kind === 'AXFR') {
      records = fullTransfer(current.soa, current.records);
      note = { serial: current.serial };
    } else {
      const theirs = (decoded.authorities ?? []).find((a) => a.type === 'SOA');
      const from =
        theirs && typeof theirs.data === 'object' ? (theirs.data as { serial: number }).serial : undefined;
      if (from === undefined) {
        this.log(
          'warn',
          { peer, zone: qname },
          "IXFR without the client's SOA in the authority section; answered FORMERR",
        );
        return signAll([errorResponse(head, RCODE.FORMERR)]);
      }
      const cmp = serialCompare(from, current.serial);
      const old = cmp === -1 ? this.oldVersion(qname, snap, from) : undefined;
      if (cmp === 0 || cmp === 1) {
        records = [current.soa]; // up to date (RFC 1995 §2)
        note = { from, serial: current.serial, result: 'up to date' };
      } else if (old) {
        records = incrementalTransfer(current.soa, old.soa, old.records, current.records);
        note = { from, serial: current.serial, result: 'incremental' };
      } else {
        records = fullTransfer(current.soa, current.records);
        note = { from, serial: current.serial, result: 'full (the journal does not reach that serial)' };
      }
    }
    let msgs: Buffer[];
    if (transport === 'udp') {
      // RFC 1995 §2: what does not fit in one datagram is answered with our SOA alone (go to TCP).
      const tsigRoom = key ? tsigRecordSize(key) : 0;
      const limit = (edns ? Math.max(512, this.o.udpPayloadSize) : 512) - tsigRoom;
      const one = packMessages(head, records, Number.MAX_SAFE_INTEGER);
      msgs = one[0]!.length <= limit ? one : packMessages(head, [current.soa]);
    } else {
      msgs = packMessages(head, records, this.o.messageLimit ?? XFR_MESSAGE_LIMIT);
    }
    if (kind === 'AXFR') this.counters.axfr++;
    else this.counters.ixfr++;
    this.o.logger?.info(
      {
        peer,
        zone: qname,
        kind,
        transport,
        tsigKey: key?.name ?? null,
        messages: msgs.length,
        records: records.length,
        ...note,
      },
      'zone transfer',
    );
    return signAll(msgs);
  }

  private version(apex: string, snap: StoreSnapshot): ZoneVersion {
    let v = this.versions.get(apex);
    if (!v || v.serial !== snap.serial) {
      v = this.build(apex, snap.zones[apex] ?? [], snap.serial);
      this.versions.set(apex, v);
    }
    return v;
  }

  private oldVersion(apex: string, snap: StoreSnapshot, serial: number): ZoneVersion | undefined {
    const cacheKey = `${apex}@${serial}`;
    const hit = this.versions.get(cacheKey);
    if (hit) return hit;
    const records = zoneAt(apex, snap.zones[apex] ?? [], snap.serial, snap.journal, serial);
    if (!records) return undefined;
    const v = this.build(apex, records, serial);
    this.versions.set(cacheKey, v);
    return v;
  }

  private build(
    apex: string,
    records: readonly import('../../../src/model/index.ts').RecordSet[],
    serial: number,
  ): ZoneVersion {
    const inZone = records.filter((r) => r.name === apex || r.name.endsWith(`.${apex}`));
    const zone = buildZoneIndex(apex, [], serial, { nameservers: this.o.nameservers });
    return {
      serial,
      soa: encodeRR(soaAnswer(apex, zone.soa, serial)),
      records: zoneAnswers(zone, flattenRecords(inZone)).map(encodeRR),
    };
  }

  private now(): number {
    return this.o.now ? this.o.now() : Math.floor(Date.now() / 1000);
  }

  /** Logs, without repeating the same line back to back (a client retrying every second). */
  private log(level: 'info' | 'warn', fields: Record<string, unknown>, message: string): void {
    const line = `${message} ${JSON.stringify(fields)}`;
    if (line === this.lastLog) return;
    this.lastLog = line;
    this.o.logger?.[level]({ provider: this.o.providerId, ...fields }, message);
  }
}
