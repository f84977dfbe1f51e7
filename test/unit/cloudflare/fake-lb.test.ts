// The fake's Load Balancing resources validate like the documented API: required fields, pool
// references, steering policies and region codes; PATCH replaces `origins` as a whole.
import { describe, expect, it } from 'vitest';
import { Account, LbZone } from '../../fakes/cloudflare/index.ts';

const code = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { errors: { code: number }[] }).errors[0]!.code;
  }
};

describe('fake Cloudflare load balancing', () => {
  it('validates pools and replaces origins on PATCH', () => {
    const acc = new Account('a', true);
    expect(code(() => acc.createPool({ name: 'p', origins: [] }))).toBe(1002);
    expect(code(() => acc.createPool({ name: 'p', origins: [{ address: '192.0.2.1' }] }))).toBe(1002);
    const p = acc.createPool({
      name: 'p',
      origins: [
        { name: 'o1', address: '192.0.2.1' },
        { name: 'o2', address: '192.0.2.2' },
      ],
    });
    expect(code(() => acc.createPool({ name: 'p', origins: [{ name: 'o', address: '192.0.2.3' }] }))).toBe(
      1002,
    );
    const patched = acc.updatePool(
      p.id,
      { origins: [{ name: 'o1', address: '192.0.2.1', enabled: false }] },
      true,
    );
    expect(patched.origins).toHaveLength(1);
    expect(patched.origins[0]!.enabled).toBe(false);
    expect(patched.name).toBe('p');
  });

  it('refuses an account without Load Balancing with a 403', () => {
    expect(code(() => new Account('a', false).entitled())).toBe(1008);
  });

  it('validates load balancers: pools must exist, regions must be Cloudflare codes', () => {
    const acc = new Account('a', true);
    const z = new LbZone('example.com', () => acc);
    const p = acc.createPool({ name: 'p', origins: [{ name: 'o1', address: '192.0.2.1' }] });
    const ok = { name: 'www.example.com', default_pools: [p.id], fallback_pool: p.id };
    expect(code(() => z.create({ ...ok, fallback_pool: undefined }))).toBe(1002);
    expect(code(() => z.create({ ...ok, default_pools: ['nope'] }))).toBe(1002);
    expect(code(() => z.create({ ...ok, region_pools: { EUROPE: [p.id] } }))).toBe(1002);
    expect(code(() => z.create({ ...ok, steering_policy: 'nearest' }))).toBe(1002);
    expect(code(() => z.create({ ...ok, name: 'www.other.org' }))).toBe(1002);
    expect(code(() => z.create({ ...ok, random_steering: { pool_weights: { [p.id]: 2 } } }))).toBe(1002);
    const lb = z.create({ ...ok, region_pools: { WEU: [p.id] } });
    expect(code(() => z.create(ok))).toBe(1002); // name taken
    expect(z.references(p.id)).toBe(true);
    expect(code(() => acc.deletePool(p.id, (id) => z.references(id)))).toBe(1002);
    z.delete(lb.id);
    expect(code(() => acc.deletePool(p.id, (id) => z.references(id)))).toBeUndefined();
  });
});
