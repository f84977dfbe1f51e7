// The fake's DNS records of one zone: create/update/patch/delete with the real conflict rules, and the
// batch endpoint (deletes -> patches -> puts -> posts, all or nothing, bounded size).
import { randomBytes } from 'node:crypto';
import { cfError, paginate } from './envelope.ts';
import {
  isObject,
  requireId,
  type StoredRecord,
  type ValidationRules,
  validateRecord,
} from './request-checks.ts';

export const newId = () => randomBytes(16).toString('hex');

export class DnsZone {
  records = new Map<string, StoredRecord>();

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly rules: () => ValidationRules,
  ) {}

  private checkConflicts(
    r: Omit<StoredRecord, 'id'>,
    id: string | undefined,
    store: Map<string, StoredRecord>,
  ) {
    for (const o of store.values()) {
      if (o.id === id || o.name !== r.name) continue;
      if (o.type === r.type && o.content === r.content)
        throw cfError(400, 81058, 'An identical record already exists.');
      if (
        (r.type === 'CNAME') !== (o.type === 'CNAME') &&
        ['A', 'AAAA', 'CNAME'].includes(o.type) &&
        ['A', 'AAAA', 'CNAME'].includes(r.type)
      )
        throw cfError(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
      if (r.type === 'CNAME' && o.type === 'CNAME') throw cfError(400, 81057, 'Record already exists.');
    }
  }

  private build(body: unknown, prev?: StoredRecord): StoredRecord {
    const v = validateRecord(body, this.rules());
    const now = new Date().toISOString();
    return {
      id: prev?.id ?? newId(),
      zone_id: this.id,
      zone_name: this.name,
      ...v,
      proxiable: ['A', 'AAAA', 'CNAME'].includes(v.type),
      created_on: prev?.created_on ?? now,
      modified_on: now,
      meta: {},
      settings: {},
    };
  }

  list(query: URLSearchParams): { result: StoredRecord[]; info: ReturnType<typeof paginate>['info'] } {
    let items = [...this.records.values()];
    const name = query.get('name.exact') ?? query.get('name');
    if (name) items = items.filter((r) => r.name === name.toLowerCase().replace(/\.$/, ''));
    const type = query.get('type');
    if (type) items = items.filter((r) => r.type === type);
    const tag = query.get('tag.exact') ?? query.get('tag');
    if (tag) items = items.filter((r) => r.tags.includes(tag));
    items.sort((a, b) => (a.name + a.type + a.content < b.name + b.type + b.content ? -1 : 1));
    const { result, info } = paginate(items, query, { perPage: 100, maxPerPage: 5_000_000 });
    return { result, info };
  }

  get(id: string, store = this.records): StoredRecord {
    const r = store.get(id);
    if (!r) throw cfError(404, 81044, 'Record does not exist.');
    return r;
  }

  create(body: unknown, store = this.records): StoredRecord {
    const r = this.build(body);
    this.checkConflicts(r, undefined, store);
    store.set(r.id, r);
    return r;
  }

  put(id: string, body: unknown, store = this.records): StoredRecord {
    const prev = this.get(id, store);
    const r = this.build(body, prev);
    this.checkConflicts(r, id, store);
    store.set(id, r);
    return r;
  }

  patch(id: string, body: unknown, store = this.records): StoredRecord {
    const prev = this.get(id, store);
    if (!isObject(body)) throw cfError(400, 9207, 'Request body is invalid.');
    const { id: _ignored, ...fields } = body;
    const merged = {
      name: prev.name,
      type: prev.type,
      content: prev.content,
      ttl: prev.ttl,
      proxied: prev.proxied,
      tags: prev.tags,
      comment: prev.comment ?? undefined,
      ...fields,
    };
    if (merged.type !== prev.type) throw cfError(400, 9004, 'DNS record type cannot be changed.');
    return this.put(id, merged, store);
  }

  delete(id: string, store = this.records): { id: string } {
    this.get(id, store);
    store.delete(id);
    return { id };
  }

  /** The batch endpoint: runs on a copy and commits only when every operation succeeded. */
  batch(body: unknown, maxOps: number) {
    if (!isObject(body)) throw cfError(400, 9207, 'Request body is invalid.');
    const keys = Object.keys(body);
    const unknown = keys.filter((k) => !['deletes', 'patches', 'puts', 'posts'].includes(k));
    if (unknown.length > 0) throw cfError(400, 9207, `Unknown batch fields: ${unknown.join(', ')}`);
    const list = (k: string): unknown[] => {
      const v = body[k];
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw cfError(400, 9207, `${k} must be an array`);
      return v;
    };
    const deletes = list('deletes');
    const patches = list('patches');
    const puts = list('puts');
    const posts = list('posts');
    const total = deletes.length + patches.length + puts.length + posts.length;
    if (total > maxOps)
      throw cfError(400, 81059, `Batch exceeds the maximum of ${maxOps} operations (got ${total}).`);
    const work = new Map([...this.records].map(([k, v]) => [k, { ...v }]));
    const wrap = <T>(what: string, i: number, f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (e instanceof Error && 'errors' in e) {
          const err = e as Error & { errors: { code: number; message: string }[] };
          err.errors = err.errors.map((x) => ({ code: x.code, message: `${what}[${i}]: ${x.message}` }));
        }
        throw e;
      }
    };
    const result = {
      deletes: deletes.map((op, i) =>
        wrap('deletes', i, () => {
          const r = this.get(requireId(op, 'deletes'), work);
          work.delete(r.id);
          return r;
        }),
      ),
      patches: patches.map((op, i) =>
        wrap('patches', i, () => this.patch(requireId(op, 'patches'), op, work)),
      ),
      puts: puts.map((op, i) => wrap('puts', i, () => this.put(requireId(op, 'puts'), op, work))),
      posts: posts.map((op, i) => wrap('posts', i, () => this.create(op, work))),
    };
    this.records = work;
    return result;
  }
}
