// Whether a zone's provider can publish a record's policy kind: each feature the kind's definition
// needs, as the provider's capability declaration answers it. Has it: nothing to say. Refuses it: an
// error saying why and what to do instead (octoDNS "strict supports", never a silent degrade).
// Publishes it as one plain set: a warning saying what the record becomes. The kind's needs are
// checked in order and the first refusal is the one told (a provider without geo sets also lacks the
// steered kind of them; one message says what to do).
import { definitions, hasFeature, type ProviderCapabilities } from '../../providers/registry/index.ts';
import type { Feature } from '../model/index.ts';
import { policyDefinitionOf } from '../policy/kinds/index.ts';
import type { RecordConfig } from './schema.ts';

export interface SupportProblem {
  at: (string | number)[];
  message: string;
  severity: 'error' | 'warning';
}

/** The kinds whose declaration (the same for every config of the kind) has the feature. */
function kindsWith(feature: Feature): string[] {
  return definitions
    .filter((d) => typeof d.capabilities !== 'function' && hasFeature(d.capabilities, feature))
    .map((d) => d.kind);
}

export function supportProblems(
  rec: Pick<RecordConfig, 'policy'>,
  caps: ProviderCapabilities,
  where: string,
): SupportProblem[] {
  const kind = rec.policy.kind;
  const out: SupportProblem[] = [];
  for (const feature of policyDefinitionOf(kind).needs) {
    const s = caps[feature];
    if (s === true) continue;
    if (typeof s === 'object' && 'plain' in s) {
      out.push({ at: s.at ?? ['policy', 'kind'], message: s.warning, severity: 'warning' });
      continue;
    }
    out.push({
      at: ['policy', 'kind'],
      severity: 'error',
      message:
        typeof s === 'object'
          ? s.refused(kind)
          : `a ${kind} policy needs ${feature} records, which ${where} cannot publish; put this record on a provider that can (${kindsWith(feature).join(', ')})`,
    });
    break;
  }
  return out;
}
