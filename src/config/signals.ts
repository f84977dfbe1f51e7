// The `signals:` config list: health sources beside the probes (README "Signals: Prometheus and
// Alertmanager"). A prometheus signal polls a PromQL query and compares it with a threshold; an
// alertmanager signal is held down by matching alerts from the webhook; a push signal is set through
// PUT /v1/signals/NAME. Each speaks for one region or endpoint and vetoes or votes. Shapes only: which
// regions, endpoints and tokens exist is checked in crossref-signals.ts.
import { z } from 'zod';
import { duration, envName, id, url } from './fields/index.ts';

/** How a prometheus value is compared with the threshold: `down when value OP threshold`. */
export const SIGNAL_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;

/** The longest expiry a push may ask for, and the longest an alert is held without news. */
export const SIGNAL_MAX_EXPIRY_MS = 7 * 86_400_000;

const whenMissing = z.enum(['up', 'down', 'last'], {
  error: 'must be up, down or last (what missing or stale data means)',
});

const hysteresis = {
  /** Bad observations in a row before the signal is DOWN; default health.fall. */
  fall: z.number().int().min(1).max(20).optional(),
  /** Good observations in a row before it is UP again; default health.rise. */
  rise: z.number().int().min(1).max(20).optional(),
};

const target = {
  /** The region this signal speaks for. */
  region: id.optional(),
  /** Or the endpoint (endpoint ids are global). */
  endpoint: id.optional(),
};

const effect = z.enum(['veto', 'vote'], { error: 'must be veto or vote' }).default('veto');

/**
 * How often a signal is evaluated (polled, or its alerts and pushes sampled); default health.interval.
 * Alerts and pushes are sampled on the engine's tick, which runs at most every 500 ms.
 */
const interval = duration.refine((ms) => ms >= 500 && ms <= 3_600_000, 'must be between 500ms and 1h');

const expiry = duration.refine((ms) => ms >= 1000 && ms <= SIGNAL_MAX_EXPIRY_MS, 'must be between 1s and 7d');

const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, 'must be a Prometheus label name such as alertname');

const prometheusSignal = z.strictObject({
  name: id,
  kind: z.literal('prometheus'),
  /** The Prometheus server, e.g. http://prometheus:9090 (its /api/v1/query is asked). */
  url,
  /** PromQL evaluated as an instant query; it must return a scalar or an instant vector. */
  query: z.string().trim().min(1, 'must be a PromQL expression').max(4096, 'is over 4096 characters'),
  /** The signal is DOWN while the value meets this (with several series: while any series does). */
  downWhen: z.strictObject({
    op: z.enum(SIGNAL_OPS, { error: `must be one of ${SIGNAL_OPS.join(' ')}` }),
    value: z.number({ error: 'must be a number' }).finite(),
  }),
  /** Empty result, NaN, or Prometheus unreachable or failing: up, down, or keep the last state. */
  whenMissing: whenMissing.default('last'),
  interval: interval.optional(),
  /** One query may take this long; default the smaller of interval and 10s. */
  timeout: duration.refine((ms) => ms >= 100 && ms <= 60_000, 'must be between 100ms and 1m').optional(),
  /** Bearer token for a Prometheus behind authentication: its environment variable or file. */
  tokenEnv: envName.optional(),
  tokenFile: z.string().min(1).optional(),
  effect,
  ...target,
  ...hysteresis,
});

const alertmanagerSignal = z.strictObject({
  name: id,
  kind: z.literal('alertmanager'),
  /** Labels an alert must carry (equal values) to count; at least one, e.g. { alertname: HighErrorRate }. */
  match: z
    .record(labelName, z.string().max(1024))
    .refine((m) => Object.keys(m).length >= 1, 'needs at least one label, e.g. { alertname: HighErrorRate }')
    .refine((m) => Object.keys(m).length <= 32, 'takes at most 32 labels'),
  /** Instead of region/endpoint: the alert label whose value names the region (or endpoint). */
  regionLabel: labelName.optional(),
  endpointLabel: labelName.optional(),
  /** A firing alert not heard of again (resolved or re-sent) for this long is dropped. */
  expireAfter: expiry.default(3_600_000),
  /** Names of controller.tokens that may deliver alerts for this signal (give them role signal). */
  tokens: z.array(id).min(1, 'name the token(s) Alertmanager sends, e.g. [alertmanager]').max(16),
  interval: interval.optional(),
  effect,
  ...target,
  ...hysteresis,
});

const pushSignal = z.strictObject({
  name: id,
  kind: z.literal('push'),
  /** Names of controller.tokens that may push this signal (give them role signal). */
  tokens: z.array(id).min(1, 'name the token(s) that may push this signal').max(16),
  /** Never pushed, or the last push expired: up (the default), down, or keep the last state. */
  whenMissing: whenMissing.default('up'),
  /** The longest expiresIn a push may ask for (and what a push without one gets). */
  maxExpiresIn: expiry.default(3_600_000),
  interval: interval.optional(),
  effect,
  ...target,
  ...hysteresis,
});

export const signalSchema = z.discriminatedUnion('kind', [prometheusSignal, alertmanagerSignal, pushSignal], {
  error: (iss) =>
    iss.code === 'invalid_union' ? 'kind must be prometheus, alertmanager or push' : undefined,
});

export const signalsSchema = z.array(signalSchema).max(256, 'at most 256 signals').default([]);

export type SignalConfig = z.output<typeof signalSchema>;
export type PrometheusSignalConfig = Extract<SignalConfig, { kind: 'prometheus' }>;
export type AlertmanagerSignalConfig = Extract<SignalConfig, { kind: 'alertmanager' }>;
export type PushSignalConfig = Extract<SignalConfig, { kind: 'push' }>;
export type SignalOp = (typeof SIGNAL_OPS)[number];
