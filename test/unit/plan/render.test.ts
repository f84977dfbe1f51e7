// Text and JSON renderings of a plan, checked line by line.
import { describe, expect, it } from 'vitest';
import { assemblePlan, renderJson, renderText } from '../../../src/plan/index.ts';
import { a, owned, plan, want } from './helpers.ts';

const current = owned(
  a('app', ['192.0.2.10', '192.0.2.11']),
  a('old', ['192.0.2.1']),
  a('api', ['192.0.2.10'], { setId: 'eu-west', weight: 30 }),
);
const zone = plan(current, [
  want(a('app', ['198.51.100.10']), { code: 'region-down', region: 'us-east', detail: 'us-east is DOWN' }),
  want(a('api', ['192.0.2.10'], { setId: 'eu-west', weight: 0 }), {
    code: 'region-down',
    region: 'eu-west',
    detail: 'eu-west is DOWN',
  }),
  want(a('www', ['192.0.2.10'], { setId: 'continent-eu', geo: { continent: 'EU' } }), {
    code: 'config',
    region: 'us-east',
    detail: 'us-east is UP',
  }),
]);
const thePlan = assemblePlan('shop-prod', [zone], new Date(Date.UTC(2026, 0, 1)));

describe('renderText', () => {
  const text = renderText(thePlan);
  const lines = text.split('\n');

  it('prints a banner, one line per change with before -> after and because, and a summary', () => {
    expect(lines[0]).toBe('=== zone example.com. / provider mem (memory) ===');
    expect(lines).toContain(
      '  - delete _geofailover.old.example.com. TXT  "owner=shop-prod" (ttl 300)  (ownership marker: old.example.com. is no longer managed)',
    );
    expect(lines).toContain(
      '  - delete old.example.com. A  192.0.2.1 (ttl 30)  because it is no longer in config',
    );
    expect(lines).toContain(
      '  ~ update api.example.com. A [eu-west]  192.0.2.10 -> 192.0.2.10 (weight 30 -> 0)  because eu-west is DOWN',
    );
    expect(lines).toContain(
      '  ~ update app.example.com. A  192.0.2.10, 192.0.2.11 -> 198.51.100.10  because us-east is DOWN',
    );
    expect(lines).toContain(
      '  + create www.example.com. A [continent-eu]  192.0.2.10 (ttl 30, geo continent=EU)  because us-east is UP',
    );
    expect(lines).toContain('  2 to create, 2 to update, 2 to delete; 3 owned record(s) before');
    expect(lines).toContain('Plan for owner shop-prod: 2 to create, 2 to update, 2 to delete in 1 zone(s).');
  });

  it('orders deletes, then updates, then creates', () => {
    const kinds = lines.filter((l) => /^ {2}[-~+] /.test(l)).map((l) => l.trim()[0]);
    expect(kinds.join('')).toBe('--~~++');
  });

  it('prints every safety check and the checksum', () => {
    expect(lines.filter((l) => l.startsWith('    ok       '))).toHaveLength(5);
    expect(lines).toContain('Safety: ok');
    expect(lines).toContain(`Checksum: ${thePlan.checksum}`);
    expect(lines).toContain(`  zone checksum: ${zone.checksum}`);
    expect(text).not.toContain('\x1b[');
  });

  it('marks refused checks and zones, and forced ones', () => {
    const refused = plan([a('app', ['192.0.2.99'])], [want(a('app', ['192.0.2.10']))]);
    const t = renderText(assemblePlan('shop-prod', [refused]));
    expect(t).toMatch(
      /^ {4}REFUSED {2}ownership: zone example\.com\. \(provider mem\): 1 name\(s\) hold records/m,
    );
    expect(t).toContain('  REFUSED: nothing will be applied to example.com.');
    expect(t).toContain('Safety: REFUSED in example.com. (mem)');
    const forced = plan([], [want(a('app', []))], { force: true });
    const f = renderText(assemblePlan('shop-prod', [forced]));
    expect(f).toMatch(/^ {4}FORCED {3}empty-answer: /m);
    expect(f).toContain('FORCED: applying despite failed checks (--force)');
  });

  it('says so when there is nothing to do', () => {
    const none = plan(owned(a('app', ['192.0.2.10'])), [want(a('app', ['192.0.2.10']))]);
    const t = renderText(assemblePlan('shop-prod', [none]));
    expect(t).toContain('  no changes');
    expect(t).toContain('0 to create, 0 to update, 0 to delete');
  });

  it('colours only when asked', () => {
    const coloured = renderText(thePlan, { color: true });
    expect(coloured).toContain('\x1b[32m+ create\x1b[0m');
    expect(coloured).toContain('\x1b[33m~ update\x1b[0m');
    expect(coloured).toContain('\x1b[31m- delete\x1b[0m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(text);
  });
});

describe('renderJson', () => {
  const json = renderJson(thePlan);
  const doc = JSON.parse(json);

  it('is a versioned document with keys in a fixed order', () => {
    expect(Object.keys(doc)).toEqual([
      'version',
      'owner',
      'createdAt',
      'checksum',
      'allowed',
      'summary',
      'zones',
    ]);
    expect(doc.version).toBe(1);
    expect(doc.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.summary).toEqual({ create: 2, update: 2, delete: 2 });
    const z = doc.zones[0];
    expect(Object.keys(z)).toEqual([
      'zone',
      'provider',
      'providerKind',
      'allowed',
      'forced',
      'existing',
      'summary',
      'checksum',
      'safety',
      'changes',
    ]);
    expect(Object.keys(z.safety[1])).toEqual(['check', 'ok', 'message', 'measured', 'threshold']);
  });

  it('carries each change with key, before, after and reason', () => {
    const update = doc.zones[0].changes.find((c: { name: string }) => c.name === 'app.example.com.');
    expect(update).toEqual({
      kind: 'update',
      name: 'app.example.com.',
      type: 'A',
      before: { name: 'app.example.com.', type: 'A', ttl: 30, values: ['192.0.2.10', '192.0.2.11'] },
      after: { name: 'app.example.com.', type: 'A', ttl: 30, values: ['198.51.100.10'] },
      reason: { code: 'region-down', region: 'us-east', detail: 'us-east is DOWN' },
    });
    const geo = doc.zones[0].changes.find((c: { setId?: string }) => c.setId === 'continent-eu');
    expect(geo.after.geo).toEqual({ continent: 'EU' });
    expect(Object.keys(geo)).toEqual(['kind', 'name', 'type', 'setId', 'after', 'reason']);
  });

  it('is stable: the same plan renders byte for byte the same', () => {
    expect(renderJson(assemblePlan('shop-prod', [zone], new Date(Date.UTC(2026, 0, 1))))).toBe(json);
    expect(json.endsWith('}\n')).toBe(true);
  });
});

describe('alias records in a plan', () => {
  it('text shows the alias zone instead of a TTL, JSON carries the target', () => {
    const alias = a('example.com.', ['lb-1.us-east-1.elb.amazonaws.com.'], {
      ttl: 0,
      alias: { hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false },
    });
    const p = assemblePlan('shop-prod', [
      plan(owned(), [want(alias, { code: 'config', detail: 'us-east is UP' })]),
    ]);
    const t = renderText(p);
    expect(t).toContain(
      '+ create example.com. A  lb-1.us-east-1.elb.amazonaws.com. (alias zone Z35SXDOTRQ7X7K)  because us-east is UP',
    );
    const j = JSON.parse(renderJson(p)) as { zones: { changes: { after?: { alias?: unknown } }[] }[] };
    expect(
      j.zones[0]!.changes.some(
        (c) =>
          JSON.stringify(c.after?.alias) ===
          JSON.stringify({ hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false }),
      ),
    ).toBe(true);
  });
});
