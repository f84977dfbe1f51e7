// The fake Cloudflare API validates like the documented one: content by type, TTL range, conflicts,
// missing records, and an all-or-nothing batch run deletes -> patches -> puts -> posts.
import { describe, expect, it } from 'vitest';
import { DnsZone } from '../../fakes/cloudflare/index.ts';

const zone = (enterprise = false) =>
  new DnsZone('z1', 'example.com', () => ({
    zoneName: 'example.com',
    minTtl: enterprise ? 30 : 60,
    maxCommentLength: 100,
  }));
const code = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { errors: { code: number }[] }).errors[0]!.code;
  }
};

describe('fake Cloudflare DNS records', () => {
  it('checks content by type and the TTL range', () => {
    const z = zone();
    expect(code(() => z.create({ name: 'a.example.com', type: 'A', content: '2001:db8::1', ttl: 60 }))).toBe(
      9005,
    );
    expect(code(() => z.create({ name: 'a.example.com', type: 'AAAA', content: '192.0.2.1', ttl: 60 }))).toBe(
      9006,
    );
    expect(code(() => z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 30 }))).toBe(
      9021,
    );
    expect(
      code(() => z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 86_401 })),
    ).toBe(9021);
    expect(code(() => z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1' }))).toBe(9021);
    expect(code(() => z.create({ name: 'a.other.org', type: 'A', content: '192.0.2.1', ttl: 60 }))).toBe(
      9005,
    );
    expect(
      code(() => zone(true).create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 30 })),
    ).toBeUndefined();
    expect(
      z.create({ name: 'p.example.com', type: 'A', content: '192.0.2.1', ttl: 300, proxied: true }).ttl,
    ).toBe(1);
  });

  it('refuses duplicates and unknown ids with the real codes', () => {
    const z = zone();
    z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 60 });
    expect(code(() => z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 60 }))).toBe(
      81058,
    );
    expect(
      code(() => z.create({ name: 'a.example.com', type: 'CNAME', content: 'b.example.com', ttl: 60 })),
    ).toBe(81053);
    expect(code(() => z.delete('nope'))).toBe(81044);
    expect(code(() => z.patch('nope', { content: '192.0.2.2' }))).toBe(81044);
  });

  it('runs a batch in order, all or nothing', () => {
    const z = zone();
    const a = z.create({ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 60 });
    // delete then post the same content in one batch: fine, deletes run first
    z.batch(
      {
        deletes: [{ id: a.id }],
        posts: [{ name: 'a.example.com', type: 'A', content: '192.0.2.1', ttl: 60 }],
      },
      200,
    );
    expect(z.records.size).toBe(1);
    const before = JSON.stringify([...z.records.values()]);
    expect(
      code(() =>
        z.batch(
          {
            posts: [{ name: 'b.example.com', type: 'A', content: '192.0.2.5', ttl: 60 }],
            deletes: [{ id: 'missing' }],
          },
          200,
        ),
      ),
    ).toBe(81044);
    expect(JSON.stringify([...z.records.values()])).toBe(before);
    expect(
      code(() =>
        z.batch({ posts: [{ name: 'b.example.com', type: 'A', content: '192.0.2.5', ttl: 10 }] }, 200),
      ),
    ).toBe(9021);
    expect(code(() => z.batch({ posts: Array.from({ length: 3 }, () => ({})) }, 2))).toBe(81059);
    expect(code(() => z.batch({ creates: [] }, 200))).toBe(9207);
  });

  it('paginates with result_info', () => {
    const z = zone();
    for (let i = 0; i < 7; i++)
      z.create({ name: `n${i}.example.com`, type: 'A', content: '192.0.2.1', ttl: 60 });
    const page = z.list(new URLSearchParams({ page: '2', per_page: '5' }));
    expect(page.result).toHaveLength(2);
    expect(page.info).toEqual({ page: 2, per_page: 5, count: 2, total_count: 7, total_pages: 2 });
  });
});
