// The query engine: bytes in, bytes out, never throws. Fast scan or full dns2 decode, TSIG (RFC 8945:
// tsig-gate.ts), validation (FORMERR, NOTIMP, BADVERS, REFUSED), the answer cache, a weighted pick per
// query, ECS scope, truncation. Transports (udp.ts, tcp.ts) call handle() and send what it returns, once.
import { rejectionAnswer, sign, type TsigKey } from '../../tsig/index.ts';
import { AnswerCache, type CachedAnswer } from './cache.ts';
import { decodeSlow } from './decode-slow.ts';
import { encodeVariant } from './encode.ts';
import { type GeoLocator, type Located, UNKNOWN } from './geo.ts';
import { CLASS_ANY, CLASS_IN, type Query, RCODE, TYPE } from './query.ts';
import { resolve } from './resolve.ts';
import { assemble, udpLimit } from './respond.ts';
import { type CachedResponse, ResponseCache } from './response-cache.ts';
import { scanQuery } from './scan.ts';
import { checkTsig } from './tsig-gate.ts';
import { pickIndex } from './weighted.ts';
import { ServedZones } from './zones.ts';

export type Transport = 'udp' | 'tcp';

export interface DnsStats {
  /** Packets received (UDP datagrams and TCP messages). */
  received: number;
  /** Responses produced. */
  answered: number;
  /** Malformed packets: undecodable, FORMERR, or responses sent to us (also counted in dropped/formerr). */
  malformed: number;
  /** Packets not answered at all (no usable header, or not a query). */
  dropped: number;
  formerr: number;
  notimp: number;
  refused: number;
  nxdomain: number;
  badvers: number;
  /** Signed queries refused: unknown key or algorithm, bad MAC, clock skew (NOTAUTH + TSIG error). */
  notauth: number;
  truncated: number;
  /** Internal errors answered with SERVFAIL (should stay 0). */
  servfail: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface EngineOptions {
  geo: GeoLocator;
  /** Our EDNS UDP payload size (advertised, and the cap for UDP answers). */
  udpPayloadSize: number;
  random?: () => number;
  onError?: (err: unknown) => void;
  /** TSIG keys signed queries may use; without them every signed query is answered BADKEY. */
  tsigKeys?: ReadonlyMap<string, TsigKey>;
  /** Hears each signed query that was refused (NOTAUTH), for logs. */
  onTsigRejected?: (r: TsigRejection) => void;
  /** Seconds since the epoch (tests), for TSIG time checks. */
  now?: () => number;
}

export interface TsigRejection {
  peer: string;
  keyName: string;
  /** The TSIG error answered (BADKEY, BADSIG, BADTIME). */
  error: number;
  reason: string;
}

const RCODE_NOTAUTH = 9;
const NO_KEYS: ReadonlyMap<string, TsigKey> = new Map();

export class DnsEngine {
  private zones = new ServedZones([]);
  private readonly cache = new AnswerCache();
  private readonly responses = new ResponseCache();
  /** Set by answer(): the response it built depends only on the query's bytes and the zone data. */
  private keep: CachedResponse['counts'] | false = false;
  private readonly peers = new Map<string, Located>();
  private readonly geo: GeoLocator;
  private readonly payload: number;
  private readonly random: () => number;
  private readonly onError: ((err: unknown) => void) | undefined;
  private readonly tsigKeys: ReadonlyMap<string, TsigKey>;
  private readonly onTsigRejected: ((r: TsigRejection) => void) | undefined;
  private readonly now: () => number;
  private readonly counters: DnsStats = {
    received: 0,
    answered: 0,
    malformed: 0,
    dropped: 0,
    formerr: 0,
    notimp: 0,
    refused: 0,
    nxdomain: 0,
    badvers: 0,
    notauth: 0,
    truncated: 0,
    servfail: 0,
    cacheHits: 0,
    cacheMisses: 0,
  };

  constructor(options: EngineOptions) {
    this.geo = options.geo;
    this.payload = options.udpPayloadSize;
    this.random = options.random ?? Math.random;
    this.onError = options.onError;
    this.tsigKeys = options.tsigKeys ?? NO_KEYS;
    this.onTsigRejected = options.onTsigRejected;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Serve new zone data from the next query on; cached answers of the old data are dropped. */
  setZones(zones: ServedZones): void {
    this.zones = zones;
    this.cache.clear();
    this.responses.clear();
  }

  stats(): DnsStats {
    return { ...this.counters, cacheHits: this.cache.hits, cacheMisses: this.cache.misses };
  }

  /** One query in, at most one response out. Never throws: an internal error becomes SERVFAIL. */
  handle(buf: Buffer, transport: Transport, peer: string): Buffer | undefined {
    this.counters.received++;
    let query: Query | undefined;
    // A repeated UDP query: the same response with its id patched (response-cache.ts).
    const key = transport === 'udp' ? this.responses.keyOf(buf) : undefined;
    if (key !== undefined) {
      const hit = this.responses.get(key);
      if (hit) {
        this.counters.answered++;
        this.cache.hits++;
        if (hit.counts) this.counters[hit.counts]++;
        return ResponseCache.answer(hit, buf);
      }
    }
    this.keep = false;
    try {
      query = scanQuery(buf);
      if (!query) {
        const slow = decodeSlow(buf);
        if ('drop' in slow) {
          this.counters.malformed++;
          this.counters.dropped++;
          return undefined;
        }
        query = slow.query;
        // TSIG is checked before anything else (RFC 8945 §5.2). Only this path can see one: the fast
        // scanner takes no record but a single OPT. What it answers depends on the signature, so it
        // is never kept in the response cache.
        const signed = this.answerSigned(buf, query, transport, peer);
        if (signed !== undefined) {
          this.keep = false;
          this.counters.answered++;
          return signed;
        }
      }
      const out = this.answer(query, transport, peer);
      this.counters.answered++;
      if (key !== undefined && this.keep !== false) this.responses.set(key, out, this.keep);
      return out;
    } catch (err) {
      this.counters.servfail++;
      try {
        this.onError?.(err);
      } catch {
        /* a failing error hook must not take the server down */
      }
      return this.servfail(buf, query);
    }
  }

  /** The answer to a message carrying a TSIG record (see tsig-gate.ts), or undefined when it has none. */
  private answerSigned(buf: Buffer, q: Query, transport: Transport, peer: string): Buffer | undefined {
    const c = this.counters;
    const payload = this.payload;
    const now = this.now();
    const gate = checkTsig(buf, this.tsigKeys, now);
    switch (gate.kind) {
      case 'unsigned':
        return undefined;
      case 'formerr':
        c.malformed++;
        c.formerr++;
        return assemble(q, { rcode: RCODE.FORMERR, aa: false, payload });
      case 'rejected': {
        c.notauth++;
        const { tsig, error, reason } = gate.failure;
        try {
          this.onTsigRejected?.({ peer, keyName: tsig.keyName, error, reason });
        } catch {
          /* a failing log hook must not take the server down */
        }
        return rejectionAnswer(assemble(q, { rcode: RCODE_NOTAUTH, aa: false, payload }), gate.failure, now);
      }
      case 'verified': {
        // Answer the message as it was before it was signed, then sign that answer for this request.
        let inner = scanQuery(gate.unsigned);
        if (!inner) {
          const slow = decodeSlow(gate.unsigned);
          inner = 'query' in slow ? slow.query : q;
        }
        let out = this.answer(inner, transport, peer);
        const signOut = () => sign(out, gate.key, { requestMac: gate.requestMac, now }).message;
        let message = signOut();
        if (transport === 'udp' && message.length > udpLimit(inner, payload)) {
          // The signature made it too big for this client: TC, signed, and the client asks over TCP.
          c.truncated++;
          out = assemble(inner, { rcode: out[3]! & 0xf, aa: (out[2]! & 0x04) !== 0, tc: true, payload });
          message = signOut();
        }
        return message;
      }
    }
  }

  private servfail(buf: Buffer, query: Query | undefined): Buffer | undefined {
    try {
      if (query) return assemble(query, { rcode: RCODE.SERVFAIL, aa: false, payload: this.payload });
      if (buf.length < 12) return undefined;
      return assemble(
        { id: buf.readUInt16BE(0), opcode: 0, rd: false, cd: false },
        { rcode: RCODE.SERVFAIL, aa: false, payload: this.payload },
      );
    } catch {
      return undefined;
    }
  }

  private answer(q: Query, transport: Transport, peer: string): Buffer {
    const c = this.counters;
    const payload = this.payload;
    // Opcodes other than QUERY (NOTIFY, UPDATE, DSO...) are not implemented, whatever their body holds.
    if (q.opcode !== 0) {
      c.notimp++;
      return assemble(q, { rcode: RCODE.NOTIMP, aa: false, payload });
    }
    if (q.formerr !== undefined || !q.question) {
      c.malformed++;
      c.formerr++;
      // Echo no client subnet in a FORMERR: the option itself may be what was wrong.
      return assemble(q, { rcode: RCODE.FORMERR, aa: false, payload });
    }
    if (q.edns && q.edns.version > 0) {
      c.badvers++;
      return assemble(q, { rcode: RCODE.BADVERS, aa: false, payload });
    }
    const question = q.question!;
    const ecs = q.edns?.ecs;
    const scopeWhenFlat = ecs ? 0 : undefined;
    if (
      (question.qclass !== CLASS_IN && question.qclass !== CLASS_ANY) ||
      question.type === TYPE.AXFR ||
      question.type === TYPE.IXFR
    ) {
      c.refused++;
      return assemble(q, { rcode: RCODE.REFUSED, aa: false, payload, ecsScope: scopeWhenFlat });
    }
    if (question.type === TYPE.OPT) {
      c.malformed++;
      c.formerr++;
      return assemble(q, { rcode: RCODE.FORMERR, aa: false, payload });
    }

    let located: Located | undefined;
    const found = this.cache.lookup(question.name, question.type);
    let cached: CachedAnswer | undefined;
    if (found instanceof Map) {
      located = this.locate(q, peer);
      cached = found.get(located.key);
    } else {
      cached = found;
    }
    if (cached) this.cache.hits++;
    else {
      this.cache.misses++;
      const locate = (): Located => {
        located ??= this.locate(q, peer);
        return located;
      };
      const res = resolve(this.zones, question.name, question.type, locate);
      const variants = res.variants.map((v) => encodeVariant(question.wire, question.labels, v));
      const cumulative: number[] = [];
      let sum = 0;
      for (const v of res.variants) {
        sum += v.p;
        cumulative.push(sum);
      }
      if (sum > 0) for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
      cached = { aa: res.aa, geo: res.geo, variants, cumulative } satisfies CachedAnswer;
      // REFUSED answers are cheap to rebuild and would let a scan of random names churn the cache.
      if (res.aa) this.cache.set(question.name, question.type, cached, res.geo ? locate().key : undefined);
    }
    const v =
      cached.variants.length === 1
        ? cached.variants[0]!
        : cached.variants[pickIndex(cached.cumulative, this.random())]!;
    if (v.rcode === RCODE.REFUSED) c.refused++;
    else if (v.rcode === RCODE.NXDOMAIN) c.nxdomain++;
    // ECS scope: 0 when the answer holds everywhere, else the client's network of one answer.
    let ecsScope: number | undefined;
    if (ecs) {
      const l = cached.geo && ecs.sourcePrefix > 0 ? (located ?? this.locate(q, peer)) : undefined;
      // Never wider than a nested network with another answer (RFC 7871 §7.2.1), see GeoLocator.scope.
      ecsScope = l ? this.geo.scope(ecs.family as 1 | 2, ecs.address, l) : 0;
    }
    const parts = { rcode: v.rcode, aa: cached.aa, body: v.body, an: v.an, ns: v.ns, ecsScope, payload };
    const out = assemble(q, parts);
    // TCP carries at most 65,535 octets per message (its length prefix); beyond that TC is all we can say.
    if (out.length > (transport === 'udp' ? udpLimit(q, payload) : 0xffff)) {
      c.truncated++;
      return assemble(q, { ...parts, tc: true });
    }
    // Kept for the next identical query when nothing but its bytes chose it: one answer variant (no
    // weighted pick), and a location from the query's own client subnet, not from its source address.
    if (
      cached.aa &&
      cached.variants.length === 1 &&
      (!cached.geo || (ecs !== undefined && ecs.sourcePrefix > 0))
    )
      this.keep = v.rcode === RCODE.NXDOMAIN ? 'nxdomain' : v.rcode === RCODE.REFUSED ? 'refused' : undefined;
    return out;
  }

  /** The client's location: from its ECS subnet when it sent one (not /0), else its source address. */
  private locate(q: Query, peer: string): Located {
    const ecs = q.edns?.ecs;
    if (ecs && ecs.sourcePrefix > 0) return this.geo.locate(ecs.family as 1 | 2, ecs.address);
    return this.locatePeer(peer);
  }

  private locatePeer(peer: string): Located {
    let l = this.peers.get(peer);
    if (!l) {
      l = peer ? this.geo.locateText(peer) : UNKNOWN;
      if (this.peers.size >= 10_000) this.peers.clear();
      this.peers.set(peer, l);
    }
    return l;
  }
}
