// The builtin authoritative DNS server: start it with startDnsServer (see server.ts).

export type { DnsStats } from './answer-engine.ts';
export { DnsEngine } from './answer-engine.ts';
export type { CgroupLimits } from './cgroup.ts';
export { GeoLocator, type Located, type Location } from './geo.ts';
export { registerDnsMetrics, registerDnsWorkersGauge, type SizedServer } from './metrics.ts';
export type { NotifyOutcome } from './notify.ts';
export { DnsListenError, type DnsServerHandle, type DnsServerOptions, startDnsServer } from './server.ts';
export type { WorkerBudget, WorkerLimit } from './worker-budget.ts';
export { DnsWorkersError } from './worker-sizing.ts';
