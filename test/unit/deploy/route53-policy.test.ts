// deploy/route53/iam-policy.json is the least privilege the Route 53 adapter needs: exactly the API
// calls providers/route53 sends (every `new XCommand(` there is the IAM action route53:X), on the
// hosted zone of the deploy config, and record changes limited to its managed names and their
// ownership markers (what the README's Deploy section tells operators to attach).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.ts';
import { MARKER_PREFIX } from '../../../src/model/index.ts';

const ROOT = join(import.meta.dirname, '../../..');
const ADAPTER = join(ROOT, 'providers/route53');

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string;
  Condition?: Record<string, Record<string, string[]>>;
}
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy/route53/iam-policy.json'), 'utf8')) as {
  Statement: Statement[];
};

/** The Route 53 API calls the adapter makes, as IAM actions. */
function adapterActions(): string[] {
  const actions = new Set<string>();
  for (const f of readdirSync(ADAPTER).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(join(ADAPTER, f), 'utf8');
    for (const m of src.matchAll(/new (\w+)Command\(/g)) actions.add(`route53:${m[1]}`);
  }
  return [...actions].sort();
}

describe('deploy/route53/iam-policy.json', () => {
  it('allows exactly the calls the Route 53 adapter makes, nothing else', () => {
    expect(adapterActions()).toEqual([
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
    ]);
    const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
    expect([...allowed].sort()).toEqual(adapterActions());
    for (const s of policy.Statement) {
      expect(s.Resource, s.Sid).not.toBe('*');
      expect(
        s.Action.every((a) => !a.includes('*')),
        s.Sid,
      ).toBe(true);
    }
  });

  it("is scoped to the deploy config's hosted zone, and changes only its managed names and markers", () => {
    const config = loadConfig(join(ROOT, 'deploy/kubernetes/components/config/geofailover.yaml'));
    const [id, aws] = Object.entries(config.providers).find(([, p]) => p.kind === 'route53')!;
    if (aws.kind !== 'route53') throw new Error('unreachable');
    const zoneArn = `arn:aws:route53:::hostedzone/${aws.hostedZoneId.replace('/hostedzone/', '')}`;
    for (const s of policy.Statement.filter((x) => !x.Action.includes('route53:GetChange')))
      expect(s.Resource, s.Sid).toBe(zoneArn);
    expect(policy.Statement.find((s) => s.Action.includes('route53:GetChange'))!.Resource).toBe(
      'arn:aws:route53:::change/*',
    );

    const names = config.zones
      .filter((z) => z.provider === id)
      .flatMap((z) => z.records.map((r) => r.name.toLowerCase().replace(/\.$/, '')))
      .flatMap((n) => [n, `${MARKER_PREFIX}${n}`]);
    const change = policy.Statement.find((s) => s.Action.includes('route53:ChangeResourceRecordSets'))!;
    const cond = change.Condition?.['ForAllValues:StringEquals'];
    expect(cond?.['route53:ChangeResourceRecordSetsNormalizedRecordNames']?.sort()).toEqual(names.sort());
    expect(cond?.['route53:ChangeResourceRecordSetsRecordTypes']).toEqual(['A', 'AAAA', 'CNAME', 'TXT']);
  });
});
