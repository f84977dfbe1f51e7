// Writes deploy/kubernetes/components/monitoring/prometheusrule.yaml from deploy/prometheus/rules.yaml.
// `node bin/run-ts.js scripts/gen-prometheusrule.ts`
import { writeFileSync } from 'node:fs';
import { PROMETHEUSRULE_FILE, renderPrometheusRule } from './prometheusrule-yaml.ts';

writeFileSync(PROMETHEUSRULE_FILE, renderPrometheusRule());
console.log(`wrote ${PROMETHEUSRULE_FILE}`);
