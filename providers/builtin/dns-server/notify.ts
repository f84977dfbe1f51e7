// NOTIFY (RFC 1996): tell each configured secondary that a zone changed, so it checks our SOA and
// transfers at once instead of at its next refresh. Retries with a doubling timeout until the
// secondary acknowledges, a bounded number of times; a newer change replaces a pending one. A
// secondary that never answers, refuses, or answers garbage gets one log line per change, never a
// crash. Run it in one process per store (not in every worker): duplicate NOTIFYs are harmless, but
// one sender is enough.

import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../../src/log/index.ts';
import { absoluteName } from '../../dnswire/index.ts';
import { sign, type TsigKey, verify } from '../../tsig/index.ts';
import type { StoreSnapshot } from '../store.ts';

const OPCODE_NOTIFY = 4;
const RCODE_NAMES: Record<number, string> = {
  1: 'FORMERR',
  2: 'SERVFAIL',
  4: 'NOTIMP',
  5: 'REFUSED',
  9: 'NOTAUTH',
};

export interface NotifyOutcome {
  zone: string;
  secondary: string;
  serial: number;
  ok: boolean;
  attempts: number;
  /** Why it failed: a timeout, the secondary's rcode, or a bad TSIG on its answer. */
  detail?: string;
}

export interface NotifierOptions {
  providerId: string;
  apexes: readonly string[];
  /** HOST:PORT of each secondary. */
  secondaries: readonly string[];
  key?: TsigKey;
  logger?: Logger;
  /** First wait for an answer; doubles per attempt up to maxTimeoutMs (defaults 1 s, 8 s). */
  timeoutMs?: number;
  maxTimeoutMs?: number;
  /** Sends per change before giving up (default 5). */
  attempts?: number;
  /** Wait before the first send (lets other worker processes load the new store version first). */
  delayMs?: number;
  onOutcome?: (o: NotifyOutcome) => void;
}

interface Job {
  zone: string;
  secondary: string;
  host: string;
  port: number;
  serial: number;
  id: number;
  attempt: number;
  mac?: Buffer;
  timer?: NodeJS.Timeout;
  sentAt: number;
  startedAt: number;
  badAnswer?: string;
}

export class Notifier {
  private readonly jobs = new Map<string, Job>();
  private readonly seen = new Map<string, string>();
  private sockets: { udp4?: Socket; udp6?: Socket } = {};
  private closed = false;

  constructor(private readonly o: NotifierOptions) {}

  /** A new store version: NOTIFY the secondaries of every zone whose records changed (all at first). */
  update(snap: StoreSnapshot): void {
    if (this.closed || this.o.secondaries.length === 0) return;
    for (const zone of this.o.apexes) {
      const text = JSON.stringify(snap.zones[zone] ?? []);
      if (this.seen.get(zone) === text) continue;
      this.seen.set(zone, text);
      for (const secondary of this.o.secondaries) this.start(zone, secondary, snap.serial);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.jobs.values()) clearTimeout(j.timer);
    this.jobs.clear();
    await Promise.all(
      Object.values(this.sockets).map((s) => new Promise<void>((r) => (s ? s.close(() => r()) : r()))),
    );
    this.sockets = {};
  }

  private start(zone: string, secondary: string, serial: number): void {
    const k = `${zone} ${secondary}`;
    const old = this.jobs.get(k);
    if (old) clearTimeout(old.timer);
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(secondary);
    const job: Job = {
      zone,
      secondary,
      host: m ? m[1]! : secondary,
      port: m ? Number(m[2]) : 53,
      serial,
      id: randomInt(0, 0x10000),
      attempt: 0,
      sentAt: 0,
      startedAt: Date.now(),
    };
    this.jobs.set(k, job);
    const delay = this.o.delayMs ?? 0;
    if (delay > 0) job.timer = setTimeout(() => this.send(job), delay);
    else this.send(job);
  }

  private socket(family: 4 | 6): Socket {
    const key = family === 6 ? 'udp6' : 'udp4';
    let s = this.sockets[key];
    if (!s) {
      s = createSocket(key);
      s.on('message', (msg, rinfo) => this.onAnswer(msg, rinfo.address, rinfo.port));
      s.on('error', () => {}); // ICMP unreachable and the like: the retry timer handles it
      s.unref();
      this.sockets[key] = s;
    }
    return s;
  }

  private send(job: Job): void {
    if (this.closed || this.jobs.get(`${job.zone} ${job.secondary}`) !== job) return;
    job.attempt++;
    const query = dnsPacket.encode({
      type: 'query',
      id: job.id,
      flags: (OPCODE_NOTIFY << 11) | dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ name: job.zone.replace(/\.$/, ''), type: 'SOA', class: 'IN' }],
    });
    let wire: Buffer = Buffer.from(query);
    if (this.o.key) {
      const signed = sign(wire, this.o.key);
      wire = signed.message;
      job.mac = signed.mac;
    }
    job.sentAt = Date.now();
    try {
      this.socket(isIP(job.host) === 6 ? 6 : 4).send(wire, job.port, job.host);
    } catch {
      /* a bad destination: the timer below ends the job with a clear line */
    }
    const base = this.o.timeoutMs ?? 1000;
    const wait = Math.min(this.o.maxTimeoutMs ?? 8000, base * 2 ** (job.attempt - 1));
    job.timer = setTimeout(() => {
      if (job.attempt < (this.o.attempts ?? 5)) this.send(job);
      else
        this.finish(
          job,
          false,
          job.badAnswer
            ? `no valid answer after ${job.attempt} attempts (last: ${job.badAnswer})`
            : `no answer after ${job.attempt} attempts over ${Math.round((Date.now() - job.startedAt) / 100) / 10} s`,
        );
    }, wait);
    job.timer.unref();
  }

  private onAnswer(msg: Buffer, address: string, port: number): void {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const job = [...this.jobs.values()].find(
      (j) => j.id === id && j.port === port && sameHost(j.host, address),
    );
    if (!job) return; // late, duplicate or stray: nothing waits for it
    const problem = this.check(job, msg);
    if (problem === undefined) this.finish(job, true);
    else if (problem.final) this.finish(job, false, problem.detail);
    // A malformed or unverifiable answer: keep waiting (it may be spoofed); say so if nothing better comes.
    else job.badAnswer = problem.detail;
  }

  private check(job: Job, msg: Buffer): { final: boolean; detail: string } | undefined {
    let p: ReturnType<typeof dnsPacket.decode>;
    try {
      p = dnsPacket.decode(msg);
    } catch (err) {
      return { final: false, detail: `malformed answer (${(err as Error).message})` };
    }
    const flags = p.flags ?? 0;
    if (!p.flag_qr || ((flags >> 11) & 0xf) !== OPCODE_NOTIFY)
      return { final: false, detail: 'answer is not a NOTIFY response' };
    const q = p.questions?.[0];
    if (q && absoluteName(q.name) !== job.zone)
      return { final: false, detail: `answer is for zone ${q.name}, not ${job.zone}` };
    if (this.o.key && job.mac) {
      let outcome: ReturnType<typeof verify>;
      try {
        outcome = verify(msg, (n) => (n === this.o.key!.name ? this.o.key : undefined), {
          requestMac: job.mac,
        });
      } catch (err) {
        return { final: false, detail: `malformed TSIG on the answer (${(err as Error).message})` };
      }
      if (!outcome) return { final: false, detail: 'answer is not TSIG-signed' };
      if (!outcome.ok) return { final: true, detail: `TSIG on the answer failed: ${outcome.reason}` };
    }
    const rcode = flags & 0xf;
    if (rcode !== 0)
      return {
        final: true,
        detail: `answered ${RCODE_NAMES[rcode] ?? `rcode ${rcode}`} (check the secondary's ACL for NOTIFY from us${this.o.key ? ` with key ${this.o.key.name}` : ''})`,
      };
    return undefined;
  }

  private finish(job: Job, ok: boolean, detail?: string): void {
    clearTimeout(job.timer);
    this.jobs.delete(`${job.zone} ${job.secondary}`);
    const fields = {
      provider: this.o.providerId,
      zone: job.zone,
      secondary: job.secondary,
      serial: job.serial,
      attempts: job.attempt,
    };
    if (ok)
      this.o.logger?.info({ ...fields, ms: Date.now() - job.startedAt }, 'secondary acknowledged NOTIFY');
    else
      this.o.logger?.warn(
        { ...fields, why: detail },
        `secondary ${job.secondary} did not acknowledge NOTIFY for ${job.zone} serial ${job.serial}: ${detail}; it picks the change up at its next SOA refresh`,
      );
    try {
      this.o.onOutcome?.({
        zone: job.zone,
        secondary: job.secondary,
        serial: job.serial,
        ok,
        attempts: job.attempt,
        ...(detail ? { detail } : {}),
      });
    } catch {
      /* a failing hook must not stop the notifier */
    }
  }
}

function sameHost(configured: string, seen: string): boolean {
  const strip = (a: string) => a.replace(/^::ffff:/i, '').toLowerCase();
  return strip(configured) === strip(seen);
}
