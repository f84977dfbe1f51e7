// The controller's HTTP API, piece by piece: each handler is a reusable (req, res) function the
// controller's server mounts.

export { apiRoutes, type ControllerApi } from './api.ts';
export { API_BOUNDS, boundedInt, boundedMs, pathParam } from './bounds.ts';
export type { ExplainDoc, ExplainVote } from './explain-doc.ts';
export { renderExplain } from './explain-text.ts';
export { HttpError, readBody, readJson, sendJson, sendText } from './http-util.ts';
export { ControllerMetrics } from './metrics.ts';
export {
  type OperatorApi,
  type OverrideBody,
  overrideBody,
  type WindowBody,
  windowBody,
} from './operator-routes.ts';
export {
  CURRENT_FOR_MS,
  cleanName,
  ProberRejections,
  type RejectionReason,
  shouldLogRejection,
  UNKNOWN_NAMES_LIMIT,
  UNKNOWN_PROBER_LABEL,
} from './rejections.ts';
export {
  createReportHandler,
  REJECT_REASONS,
  type RejectExtra,
  type RejectReason,
  type ReportHandler,
  type ReportHandlerOptions,
  type ReportOutcome,
} from './reports.ts';
export { createRouterServer, type Route } from './router.ts';
export { type PushTarget, type SignalApi, signalRoutes } from './signal-routes.ts';
export type * from './status-types.ts';
export { createListener, type ListenerTls, loadListenerTls, type ReportCertRefusal } from './tls.ts';
export { ApiTokens, type Caller, type NamedToken, type Role } from './tokens.ts';
