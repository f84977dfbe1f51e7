// The controller's HTTP API, piece by piece: each handler is a reusable (req, res) function the
// controller's server mounts.
export {
  createReportHandler,
  REJECT_REASONS,
  type RejectReason,
  type ReportHandler,
  type ReportHandlerOptions,
  type ReportOutcome,
} from './reports.ts';
