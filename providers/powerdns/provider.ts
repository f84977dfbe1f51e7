// The PowerDNS DnsProvider: reads a zone with one GET, writes a change set as one PATCH (PowerDNS
// applies a PATCH all or nothing). PowerDNS has no compare-and-swap, so apply() reads the RRsets it
// is about to change right before the PATCH and refuses (ConflictError: the controller re-plans)
// when they no longer match what the plan saw. A small window remains between that read and the
// PATCH, in which another writer's change would be overwritten; Route 53 or Azure close it, PowerDNS
// cannot.
import type { Logger } from '../../src/log/index.ts';
import {
  type ApplyResult,
  type Change,
  InvalidChangeError,
  normaliseName,
  type RecordSet,
  sameRecord,
} from '../../src/model/index.ts';
import { adapterCapabilities } from '../capabilities.ts';
import type { DnsProvider, RecordsQuery } from '../provider.ts';
import { selectRecords } from '../select-records.ts';
import type { PdnsClient, PdnsRRset } from './client.ts';
import { capabilities } from './definition.ts';
import { conflictError } from './errors.ts';
import { deleteRRset, fromRRset, replaceRRset } from './mapping.ts';

const CAPABILITIES = adapterCapabilities(capabilities);

function rrKey(name: string, type: string): string {
  return `${normaliseName(name)} ${type}`;
}

function describe(r: RecordSet | undefined): string {
  return r ? `ttl ${r.ttl} [${r.values.join(', ')}]` : 'absent';
}

export class PowerDnsProvider implements DnsProvider {
  readonly kind = 'powerdns';
  readonly capabilities = CAPABILITIES;

  constructor(
    readonly id: string,
    private readonly owner: string,
    readonly client: PdnsClient,
    private readonly logger?: Logger,
  ) {}

  private async readAll(
    zone: string,
    operation: string,
    signal?: AbortSignal,
  ): Promise<Map<string, RecordSet>> {
    const doc = await this.client.getZone(zone, operation, signal);
    const out = new Map<string, RecordSet>();
    for (const rr of doc.rrsets) {
      const r = fromRRset(rr);
      if (r) out.set(rrKey(r.name, r.type), r);
    }
    return out;
  }

  async records(zone: string, query: RecordsQuery = {}, signal?: AbortSignal): Promise<RecordSet[]> {
    const all = await this.readAll(zone, 'read', signal);
    return selectRecords([...all.values()], this.owner, query.names ?? []);
  }

  async apply(zone: string, changes: readonly Change[], signal?: AbortSignal): Promise<ApplyResult> {
    const z = normaliseName(zone);
    if (changes.length === 0) return { applied: 0, ids: [], calls: 0 };
    const rrsets = this.toRRsets(z, changes);
    const calls = this.client.stats.get + this.client.stats.patch;

    // The compare half of a compare-and-swap PowerDNS does not offer (see the file's head).
    const now = await this.readAll(z, 'pre-write read', signal);
    for (const c of changes) {
      const target = (c.before ?? c.after)!;
      const found = now.get(rrKey(target.name, target.type));
      const expected = c.kind === 'create' ? undefined : c.before;
      const same =
        expected === undefined ? found === undefined : found !== undefined && sameRecord(found, expected);
      if (!same)
        throw conflictError(
          this.client.where(z, 'write'),
          `${target.name} ${target.type}`,
          `the plan saw ${describe(expected)}, the server now holds ${describe(found)}`,
        );
    }

    await this.client.patch(z, rrsets, signal);
    this.logger?.info({ provider: this.id, zone: z, rrsets: rrsets.length }, 'powerdns changes applied');
    return { applied: changes.length, calls: this.client.stats.get + this.client.stats.patch - calls };
  }

  /** One RRset operation per change; a change PowerDNS cannot express is refused before any request. */
  private toRRsets(zone: string, changes: readonly Change[]): PdnsRRset[] {
    const seen = new Set<string>();
    return changes.map((c) => {
      const r = (c.after ?? c.before)!;
      const record = `${r.name} ${r.type}${r.setId ? ` ${r.setId}` : ''}`;
      if (r.setId !== undefined || r.weight !== undefined || r.geo !== undefined)
        throw new InvalidChangeError(
          `powerdns provider ${this.id}, zone ${zone}: record ${record} is a weighted or geo record set, which plain PowerDNS records cannot hold; nothing was written`,
          {
            provider: this.id,
            zone,
            record,
            remedy:
              'plan through geofailover (it publishes weighted records as one plain set) and keep geo records on another provider',
          },
        );
      const key = rrKey(r.name, r.type);
      if (seen.has(key))
        throw new InvalidChangeError(
          `powerdns provider ${this.id}, zone ${zone}: two changes for RRset ${key}; nothing was written`,
          { provider: this.id, zone, record: key, remedy: 'this is a planner bug: report it with the plan' },
        );
      seen.add(key);
      return c.kind === 'delete' ? deleteRRset(c.before!) : replaceRRset(c.after!);
    });
  }
}
