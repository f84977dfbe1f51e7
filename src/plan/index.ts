// Plan: ownership filter → diff → safety gate → checksum, and the text/JSON renderings of the result.
export { assemblePlan, changeCount, type PlanSummary, planAllowed, summarise } from './assemble.ts';
export { canonicalChange, planChecksum } from './checksum.ts';
export { MANAGED_TYPES } from './ownership.ts';
export { planDocument, renderJson } from './render-json.ts';
export { changeLine, renderText, renderZone } from './render-text.ts';
export { countsAgainstFractions, HEALTH_CODES } from './safety.ts';
export type { Plan, PlanOptions, SafetyVerdict, ZonePlan } from './types.ts';
export { type PlanZoneInput, planZone } from './zone.ts';
