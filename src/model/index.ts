// The shared vocabulary: records, changes, region states, address families and typed errors.
export * from './address-family.ts';
export * from './audit.ts';
export * from './bounded-text.ts';
export * from './errors.ts';
export * from './features.ts';
export * from './geo-distance.ts';
export * from './geo-set.ts';
export * from './lease.ts';
export * from './normalise.ts';
export * from './ownership.ts';
export * from './record.ts';
export * from './region.ts';
export * from './spoken.ts';
export * from './steering.ts';
export * from './time-range.ts';
export * from './weighted-set.ts';
