// The strict fake Route 53 API for tests and benchmarks.
export { ApiError, LIMITS as FAKE_LIMITS } from './rules.ts';
export { type FakeOp, type FakeOptions, FakeRoute53, type LoggedRequest } from './server.ts';
export { type FakeRRSet, FakeZone, plainName, wireName } from './zone.ts';
