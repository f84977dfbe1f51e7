// Every provider kind's conformance harness, in the order the table runs them.
import type { Harness } from '../harness.ts';
import { azureHarness } from './azure.ts';
import { builtinHarness } from './builtin.ts';
import { cloudflareHarness } from './cloudflare.ts';
import { googlecloudHarness } from './googlecloud.ts';
import { memoryHarness } from './memory.ts';
import { powerdnsHarness } from './powerdns.ts';
import { bindHarness, knotHarness } from './rfc2136.ts';
import { route53FakeHarness, route53MotoHarness } from './route53.ts';

const ALL: Harness[] = [
  memoryHarness(),
  builtinHarness(),
  route53MotoHarness(),
  route53FakeHarness(),
  cloudflareHarness(),
  googlecloudHarness(),
  azureHarness(),
  powerdnsHarness(),
  knotHarness(),
  bindHarness(),
];

/** GF_CONFORMANCE=route53,azure runs the table on those kinds only (while working on one adapter). */
const only = process.env.GF_CONFORMANCE?.split(',').map((s) => s.trim());
export const HARNESSES = only ? ALL.filter((h) => only.includes(h.kind)) : ALL;
