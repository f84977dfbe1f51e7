// Renders deploy/prometheus/rules.yaml as a Prometheus Operator PrometheusRule, so the Kubernetes
// manifests carry exactly the rules that `promtool test rules` checks (one source of truth).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..');
export const RULES_FILE = resolve(ROOT, 'deploy/prometheus/rules.yaml');
export const PROMETHEUSRULE_FILE = resolve(
  ROOT,
  'deploy/kubernetes/components/monitoring/prometheusrule.yaml',
);

export function renderPrometheusRule(rulesYaml = readFileSync(RULES_FILE, 'utf8')): string {
  const { groups } = parse(rulesYaml) as { groups: unknown[] };
  const doc = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'geofailover', labels: { 'app.kubernetes.io/component': 'controller' } },
    spec: { groups },
  };
  return (
    '# Generated from deploy/prometheus/rules.yaml by `node bin/run-ts.js scripts/gen-prometheusrule.ts`;\n' +
    '# edit that file and regenerate (test/unit/deploy/kubernetes.test.ts fails when this one is stale).\n' +
    stringify(doc, { lineWidth: 0 })
  );
}
