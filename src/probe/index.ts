// The probe agent's public face: checks, the agent loop, its delivery log and health endpoints, and
// the wire protocol (report shape, schema, HMAC signing and verification, what a refusal means) that
// the controller's report handler shares.
//
//   const agent = new ProbeAgent({ config, proberId, key: proberKey(config, prober), logger });
//   agent.start(); ...; await agent.stop();          // stop() on SIGTERM
//   startHealthServer('127.0.0.1:9464', agent, prober) → GET /livez, /readyz
//   compileCheck(checkConfig, address, timeoutMs).run(signal) → CheckOutcome (never rejects)
//   signReport(key, body, t?) / verifyReport(header, body, key, nowMs) → SignatureCheck
export { type AgentStats, ProbeAgent, type ProbeAgentOptions } from './agent.ts';
export { ResultBuffer } from './buffer.ts';
export type { CheckOutcome, RunnableCheck } from './checks/outcome.ts';
export { compileAgentChecks, compileCanary, compileCheck, type EndpointCheck } from './compile.ts';
export * from './delivery.ts';
export { DeliveryLog, type DeliverySource } from './delivery-log.ts';
export {
  type HealthServer,
  type HealthSource,
  parseHealthListen,
  startHealthServer,
} from './health-server.ts';
export * from './readiness.ts';
export { clockOffsetText, type RefusalText, refusalText } from './refusal-text.ts';
export { type DeliveryEvent, Reporter, type ReporterOptions, type ReporterStats } from './reporter.ts';
export { FixedRateScheduler, type SchedulerOptions } from './schedule.ts';
export * from './wire.ts';
