// The "failing checks" lines of `geofailover status`: for each endpoint, what its probers' latest
// failing results said, naming the failing sub-check of an endpoint with several checks, with the
// probers that saw each answer. The vote table above says only up or down; this says why.
import type { StatusDoc } from '../api/index.ts';

type Endpoint = StatusDoc['regions'][number]['endpoints'][number];

/** Failing sub-checks as "grpc payments: NOT_SERVING; tls api: …", else the vote's own detail. */
function whatFailed(v: Endpoint['votes'][number]): string | undefined {
  if (v.failed && v.failed.length > 0) return v.failed.map((f) => `${f.check}: ${f.detail}`).join('; ');
  return v.vote === 'down' && v.detail ? v.detail : undefined;
}

/** Lines such as "  euw-a: grpc payments: NOT_SERVING (seen by p1, p2)"; none when nothing fails. */
export function failingCheckLines(s: StatusDoc): string[] {
  const lines: string[] = [];
  for (const r of s.regions) {
    for (const e of r.endpoints) {
      const byText = new Map<string, string[]>();
      for (const v of e.votes) {
        if (!v.fresh) continue;
        const text = whatFailed(v);
        if (text !== undefined) byText.set(text, [...(byText.get(text) ?? []), v.prober]);
      }
      for (const [text, probers] of byText) {
        const still = e.state === 'up' ? ' (endpoint still up)' : '';
        lines.push(`  ${e.id}: ${text} (seen by ${probers.join(', ')})${still}`);
      }
    }
  }
  return lines.length > 0 ? ['failing checks (latest result of each fresh prober):', ...lines] : [];
}
