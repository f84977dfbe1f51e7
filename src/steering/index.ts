// Latency steering in the controller: smoothed round-trip times from the probe reports and the
// rankings each latency geography holds (engine.ts); the policy reads them as a SteeringInput.
export { type RankingEvent, SteeringEngine } from './engine.ts';
export { RttTable, SMOOTHING } from './rtt.ts';
