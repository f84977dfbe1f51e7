// Policy: config + region states (+ measured steering) → desired record sets, each with its reason.
// The kinds (failover, weighted, geo, latency, proximity) are registered definitions
// (kinds/index.ts) with their decisions (decide.ts).

// Set ids and locations of geo rules live in model (provider definitions use them); re-exported here.
export { geoLocation, geoSetId } from '../model/index.ts';
export { assumeStates } from './assume.ts';
export { assumeSteering } from './assume-rtt.ts';
export { type Uncovered, uncovered } from './coverage.ts';
export { desiredRecords } from './desired.ts';
export { endpointSetId, integerWeight } from './endpoint-weights.ts';
export { type PolicyKind, policyDefinitionOf, policyDefinitions, policyRegions } from './kinds/index.ts';
export { alignOrder, geographyTimes, holdRanking, rankNow } from './latency-rank.ts';
export { type PlainCapabilities, plainRecords } from './plain.ts';
export { usableFor } from './regions.ts';
export type { DesiredRecord, PolicyInputs, RankedRegion } from './types.ts';
