// The fake Cloud DNS API for tests.
export { checkBearer, makeServiceAccount, type ServiceAccount } from './auth.ts';
export { canonical, GcpError, LOCATIONS, type Rrset } from './rrsets.ts';
export { FakeCloudDns, type FakeManagedZone, type Fault, type SpyCall } from './server.ts';
