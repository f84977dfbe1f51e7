// The RFC 2136 DnsProvider: reads a zone by TSIG-signed AXFR, writes by TSIG-signed UPDATE messages
// whose prerequisites are the RRsets that read saw (compare-and-swap), split by name when one message
// cannot carry them all. The last read of each zone is kept for apply(): its prerequisites are what
// the plan was made from, so a change made in between fails the UPDATE instead of being overwritten.
import { secretFromEnv, secretFromFile } from '../../src/config/index.ts';
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  normaliseName,
  type RecordSet,
  UsageError,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { selectRecords } from '../select-records.ts';
import type { TsigKey } from '../tsig/index.ts';
import { capabilities, type Rfc2136Config } from './definition.ts';
import type { ErrorScope } from './errors.ts';
import { sendUpdate, type Timeouts, transferZone, updateOverhead } from './exchange.ts';
import { type Endpoint, parseHostPort } from './transport.ts';
import { packGroups, planUpdate } from './update-plan.ts';
import { logicalRecords, type Snapshot, snapshotOf } from './zone-view.ts';

const CAPABILITIES = adapterCapabilities(capabilities);
/** Bytes kept free in each UPDATE for the TSIG RR (key name, algorithm name, a 64-byte MAC, fields). */
const TSIG_ROOM = 600;

export interface Rfc2136Options {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface Rfc2136Stats {
  transfers: number;
  updates: number;
}

/** The TSIG key from config: the secret from the environment or a file, base64. */
export function loadKey(id: string, cfg: Rfc2136Config, env: NodeJS.ProcessEnv): TsigKey {
  const t = cfg.tsig;
  const where = `providers.${id}.tsig`;
  const raw = t.secretFile
    ? secretFromFile(t.secretFile, `${where}.secretFile`)
    : secretFromEnv(t.secretEnv!, `${where}.secretEnv`, env);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64').length < 16)
    throw new UsageError(`${where}: the TSIG secret is not base64 of at least 16 bytes`, {
      provider: id,
      remedy:
        'use the base64 secret the server has for this key (e.g. from `tsig-keygen` or `keymgr -t NAME`)',
    });
  return {
    name: t.name.replace(/\.$/, '').toLowerCase(),
    algorithm: t.algorithm,
    secret: Buffer.from(raw, 'base64'),
  };
}

export class Rfc2136Provider implements DnsProvider {
  readonly kind = 'rfc2136';
  readonly capabilities = CAPABILITIES;
  readonly stats: Rfc2136Stats = { transfers: 0, updates: 0 };
  private readonly key: TsigKey;
  private readonly server: Endpoint;
  private readonly transfer: Endpoint;
  private readonly timeouts: Timeouts;
  private readonly logger: Logger | undefined;
  /** The last transfer of each zone: what the latest plan saw. */
  private readonly seen = new Map<string, Snapshot>();

  constructor(
    readonly id: string,
    readonly cfg: Rfc2136Config,
    readonly owner: string,
    opts: Rfc2136Options = {},
  ) {
    this.key = loadKey(id, cfg, opts.env ?? process.env);
    this.server = parseHostPort(cfg.server);
    this.transfer = parseHostPort(cfg.transfer ?? cfg.server);
    this.timeouts = cfg.timeouts;
    this.logger = opts.logger;
  }

  private scope(
    zone: string,
    server: string,
    operation: string,
    written: string,
    unknown = written,
  ): ErrorScope {
    return { provider: this.id, zone, server, keyName: this.key.name, operation, written, unknown };
  }

  private async read(zone: string, signal?: AbortSignal): Promise<Snapshot> {
    const server = this.cfg.transfer ?? this.cfg.server;
    this.stats.transfers++;
    const rrs = await transferZone(
      this.transfer,
      zone,
      this.key,
      this.timeouts,
      this.scope(zone, server, 'zone transfer (AXFR)', 'nothing was written'),
      signal,
    );
    const snap = snapshotOf(rrs);
    this.seen.set(zone, snap);
    return snap;
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const z = normaliseName(zone);
    const snap = await this.read(z, signal);
    return selectRecords(logicalRecords(snap, this.owner), this.owner, query.names ?? []);
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    const z = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, ids: [], calls: 0 };
    const snap = this.seen.get(z) ?? (await this.read(z, signal));
    // The transfer verified with this key; if the UPDATE goes to the same server, the key is right.
    const keyProven = (this.cfg.transfer ?? this.cfg.server) === this.cfg.server;
    const base = { provider: this.id, zone: z, server: this.cfg.server };
    // Everything that can be refused is refused before the first message.
    const groups = planUpdate(snap, logicalRecords(snap, this.owner), changes, base);
    const messages = packGroups(groups, this.cfg.maxMessageSize - updateOverhead(z) - TSIG_ROOM, base);
    // Whatever happens next, the next apply works from a fresh read.
    this.seen.delete(z);
    let calls = 0;
    const done: string[] = [];
    for (const [i, msg] of messages.entries()) {
      const earlier =
        i === 0
          ? ''
          : `${i} earlier UPDATE message(s) were applied (names ${done.length > 5 ? `${done.slice(0, 5).join(', ')} and ${done.length - 5} more` : done.join(', ')}); `;
      const written =
        i === 0 ? 'nothing was written' : `${earlier}the rest was not written; re-plan to see what is left`;
      // The answer to a sent UPDATE can be lost after the server applied it: say only what is known.
      const unknown = `${earlier}${i === 0 ? 'the UPDATE' : `message ${i + 1}`} was sent and its outcome is unknown (the server may have applied it)${i + 1 < messages.length ? '; the rest was not sent' : ''}; the next reconcile reads the zone again and plans what is left`;
      const operation = messages.length > 1 ? `UPDATE message ${i + 1}/${messages.length}` : 'UPDATE';
      calls++;
      this.stats.updates++;
      await sendUpdate(
        this.server,
        z,
        msg.flatMap((g) => g.prereqs),
        msg.flatMap((g) => g.updates),
        this.key,
        this.timeouts,
        { ...this.scope(z, this.cfg.server, operation, written, unknown), update: true, keyProven },
        signal,
      );
      done.push(...msg.map((g) => g.name));
    }
    this.logger?.info(
      { provider: this.id, zone: z, applied: changes.length, names: done.length, messages: messages.length },
      'rfc2136 changes applied',
    );
    return { applied: changes.length, ids: [], calls };
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}
