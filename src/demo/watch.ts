// The demo's running commentary: compares two status documents and says, in one line each, what moved
// (a region's state, a recovered region waiting for failback, the failover record's answer).

import type { StatusDoc } from '../api/index.ts';
import { normaliseName } from '../model/index.ts';
import type { DemoRegionLayout } from './config.ts';

function regionOf(address: string, layout: readonly DemoRegionLayout[]): string | undefined {
  return layout.find((r) => r.endpoints.some((e) => e.address === address))?.id;
}

function answerOf(doc: StatusDoc, name: string): string | undefined {
  const want = normaliseName(name);
  for (const z of doc.zones) {
    const r = z.records.find((x) => normaliseName(x.name) === want && x.setId === undefined);
    if (r) return r.values.join(', ');
  }
  return undefined;
}

export function statusChanges(
  prev: StatusDoc | undefined,
  next: StatusDoc,
  watchName: string,
  layout: readonly DemoRegionLayout[],
): string[] {
  const out: string[] = [];
  for (const r of next.regions) {
    const before = prev?.regions.find((x) => x.id === r.id);
    if (!r.decided) continue;
    if (!before?.decided || before.status !== r.status) {
      out.push(`region ${r.id} is ${r.status.toUpperCase()}${r.reason ? ` (${r.reason})` : ''}`);
    }
    if (r.holdingFailback && !before?.holdingFailback) {
      out.push(
        `region ${r.id} recovered; traffic returns at ${r.failbackAt ?? 'the end of failbackAfter'}${r.holdDownReason ? ` (${r.holdDownReason})` : ''}`,
      );
    }
  }
  if (prev?.failStatic !== next.failStatic && next.failStatic && prev !== undefined) {
    // The controller's reason already ends with "DNS is held as it is"; say it once.
    out.push(`fail static: ${next.failStaticReason ?? 'too few fresh probers; DNS is held as it is'}`);
  }
  const a = answerOf(next, watchName);
  const b = prev ? answerOf(prev, watchName) : undefined;
  if (a !== undefined && a !== b) {
    const regions = [...new Set(a.split(', ').map((v) => regionOf(v, layout) ?? '?'))].join(', ');
    out.push(`${watchName} now answers ${a} (${regions})`);
  }
  return out;
}
