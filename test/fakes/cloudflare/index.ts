// The fake Cloudflare API for tests and benchmarks.
export { DnsZone } from './dns.ts';
export { CfHttpError, cfError } from './envelope.ts';
export { Account, CF_REGIONS, LbZone, type LoadBalancer, type Pool } from './lb.ts';
export type { StoredRecord } from './request-checks.ts';
export { FakeCloudflare, type FakeOptions, type FakeZone, type Fault, type SpyCall } from './server.ts';
