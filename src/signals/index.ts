// Signal sources at the edge (README "Signals: Prometheus and Alertmanager"): the Prometheus client,
// poller and query check, the threshold verdict, and the readers of Alertmanager's webhook payload and
// of a push. What a signal's state becomes, and what it acts on, is the health engine's (src/health).
export {
  MAX_ALERTS,
  MAX_LABEL_VALUE,
  MAX_LABELS,
  MAX_WEBHOOK_BYTES,
  parseAlertmanagerPayload,
} from './alertmanager-payload.ts';
export { type InputRefusal, PrometheusQueryError, type QueryFailure, SignalInputError } from './errors.ts';
export { evaluate, type PolledSignal, PrometheusPoller, polledSignals } from './poller.ts';
export {
  MAX_ANSWER_BYTES,
  MAX_SERIES,
  type QueryResult,
  type QueryTarget,
  queryPrometheus,
  queryUrl,
  resultOf,
} from './prometheus-client.ts';
export { failedVerdict, meets, numberText, verdict } from './prometheus-verdict.ts';
export { MAX_PUSH_BYTES, MAX_REASON, type PushBody, parsePushBody } from './push-body.ts';
export { checkQueries, type QueryCheck } from './query-check.ts';
