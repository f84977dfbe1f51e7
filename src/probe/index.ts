// The probe agent's public face: checks, the agent loop, and the wire protocol (report shape,
// schema, HMAC signing and verification) that the controller's report handler shares.
//
//   const agent = new ProbeAgent({ config, proberId, key: proberKey(config, prober), logger });
//   agent.start(); ...; await agent.stop();          // stop() on SIGTERM
//   compileCheck(checkConfig, address, timeoutMs).run(signal) → CheckOutcome (never rejects)
//   signReport(key, body, t?) / verifyReport(header, body, key, nowMs) → SignatureCheck
export { type AgentStats, ProbeAgent, type ProbeAgentOptions } from './agent.ts';
export { ResultBuffer } from './buffer.ts';
export type { CheckOutcome, RunnableCheck } from './checks/outcome.ts';
export { compileAgentChecks, compileCanary, compileCheck, type EndpointCheck } from './compile.ts';
export { Reporter, type ReporterOptions, type ReporterStats } from './reporter.ts';
export { FixedRateScheduler, type SchedulerOptions } from './schedule.ts';
export * from './wire.ts';
