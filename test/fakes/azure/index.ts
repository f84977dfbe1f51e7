// The fake Azure DNS (ARM) and Entra ID token API for tests.
export { ArmError, type StoredSet } from './recordsets.ts';
export {
  API_VERSION,
  FakeAzure,
  type FakeZone,
  type Fault,
  type ServicePrincipal,
  type SpyCall,
} from './server.ts';
export { makeCert, type TestCert } from './tls.ts';
