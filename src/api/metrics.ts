// Prometheus metrics of the controller (prom-client), Prometheus naming: geofailover_<thing>_<unit>.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class ControllerMetrics {
  readonly registry = new Registry();

  readonly regionUp = new Gauge({
    name: 'geofailover_region_up',
    help: 'Region state: 1 up, 0 down or drained',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly regionDrained = new Gauge({
    name: 'geofailover_region_drained',
    help: '1 while an operator drain holds the region out of service',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly regionForcedUp = new Gauge({
    name: 'geofailover_region_forced_up',
    help: '1 while an operator force-up override is in force on the region (it wins over health)',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly regionInMaintenance = new Gauge({
    name: 'geofailover_region_in_maintenance',
    help: '1 while a scheduled maintenance window drains the region',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly endpointUp = new Gauge({
    name: 'geofailover_endpoint_up',
    help: 'Endpoint state decided by quorum: 1 up, 0 down, -1 unknown',
    labelNames: ['region', 'endpoint'],
    registers: [this.registry],
  });
  // Dual-stack endpoints: one address family can be out while the other serves.
  readonly regionFamilyUp = new Gauge({
    name: 'geofailover_region_family_up',
    help: 'A dual-stack region per address family: 1 while its A (ipv4) or AAAA (ipv6) answers may serve, 0 otherwise',
    labelNames: ['region', 'family'],
    registers: [this.registry],
  });
  readonly endpointFamilyUp = new Gauge({
    name: 'geofailover_endpoint_family_up',
    help: 'A dual-stack endpoint per address family, decided by quorum: 1 up, 0 down, -1 unknown',
    labelNames: ['region', 'endpoint', 'family'],
    registers: [this.registry],
  });
  readonly freshProbers = new Gauge({
    name: 'geofailover_fresh_probers',
    help: 'Probers whose last report is fresh',
    registers: [this.registry],
  });
  // Per prober, so an alert names which vantage point went quiet or lost its own canaries.
  readonly proberFresh = new Gauge({
    name: 'geofailover_prober_fresh',
    help: 'Prober state: 1 while its last report is within staleAfter, 0 when stale (it has no vote)',
    labelNames: ['prober'],
    registers: [this.registry],
  });
  readonly proberImpaired = new Gauge({
    name: 'geofailover_prober_impaired',
    help: '1 while the prober reports its own canaries failing (its DOWN votes do not count)',
    labelNames: ['prober'],
    registers: [this.registry],
  });
  readonly failStatic = new Gauge({
    name: 'geofailover_fail_static',
    help: '1 while fewer than minProbers probers are fresh and DNS is held as it is',
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'geofailover_reconcile_duration_seconds',
    help: 'Duration of one reconcile pass of a zone on one provider (read, plan, apply, verify)',
    labelNames: ['zone', 'provider', 'trigger'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: 'geofailover_reconciles_total',
    help: 'Reconcile passes by zone, provider and result (ok, changed, refused, error, skipped)',
    labelNames: ['zone', 'provider', 'result'],
    registers: [this.registry],
  });
  readonly dnsChanges = new Counter({
    name: 'geofailover_dns_changes_total',
    help: 'Record changes applied, by zone, provider and kind',
    labelNames: ['zone', 'provider', 'kind'],
    registers: [this.registry],
  });
  readonly propagation = new Histogram({
    name: 'geofailover_propagation_seconds',
    help: 'Time from apply until a nameserver served the new answer',
    labelNames: ['zone', 'provider', 'nameserver'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly propagationFailures = new Counter({
    name: 'geofailover_propagation_failures_total',
    help: 'Applied changes a nameserver did not serve before the deadline',
    labelNames: ['zone', 'provider', 'nameserver'],
    registers: [this.registry],
  });
  readonly providerErrors = new Counter({
    name: 'geofailover_provider_errors_total',
    help: 'Provider calls that failed, by provider and zone',
    labelNames: ['provider', 'zone'],
    registers: [this.registry],
  });
  readonly eventLogTornTails = new Counter({
    name: 'geofailover_event_log_torn_tails_total',
    help: 'Partial last lines of the event log cut off at startup (a crash mid-write)',
    registers: [this.registry],
  });
  readonly providerFailing = new Gauge({
    name: 'geofailover_provider_failing',
    help: "1 while a provider's passes for a zone fail (read or write; DNS may serve an old answer), else 0",
    labelNames: ['provider', 'zone'],
    registers: [this.registry],
  });
  /** When the pass running now began (Date.now()), per zone and provider; undefined while none runs. */
  private readonly passStarts = new Map<string, { zone: string; provider: string; since?: number }>();
  // Aged at scrape time, so a pass that hangs shows growing here, before any timeout ends it.
  readonly passInFlight = new Gauge({
    name: 'geofailover_reconcile_in_flight_seconds',
    help: 'Age of the reconcile pass running now for a zone on a provider (reading, writing or confirming); 0 while none runs',
    labelNames: ['zone', 'provider'],
    registers: [this.registry],
    collect: () => {
      const now = Date.now();
      for (const p of this.passStarts.values())
        this.passInFlight.set(
          { zone: p.zone, provider: p.provider },
          p.since === undefined ? 0 : (now - p.since) / 1000,
        );
    },
  });
  readonly reportsAccepted = new Counter({
    name: 'geofailover_reports_accepted_total',
    help: 'Probe reports accepted, by prober',
    labelNames: ['prober'],
    registers: [this.registry],
  });
  readonly reportsRejected = new Counter({
    name: 'geofailover_report_rejected_total',
    help: 'Probe reports rejected, by reason and prober (a configured prober id, or unknown)',
    labelNames: ['reason', 'prober'],
    registers: [this.registry],
  });
  readonly probeResults = new Counter({
    name: 'geofailover_probe_results_total',
    help: 'Probe results ingested',
    registers: [this.registry],
  });
  readonly regionTransitions = new Counter({
    name: 'geofailover_region_transitions_total',
    help: 'Region state transitions, by region and new state',
    labelNames: ['region', 'to'],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'geofailover_leader',
    help: '1 while this replica is the leader that may write DNS',
    registers: [this.registry],
  });
  readonly notificationsFailed = new Counter({
    name: 'geofailover_notifications_failed_total',
    help: 'Webhook notifications that failed after all retries',
    labelNames: ['event'],
    registers: [this.registry],
  });
  readonly notificationsDropped = new Counter({
    name: 'geofailover_notifications_dropped_total',
    help: 'Webhook notifications dropped unsent because the webhook backlog was full, by webhook index',
    labelNames: ['hook', 'event'],
    registers: [this.registry],
  });
  readonly notificationsBacklog = new Gauge({
    name: 'geofailover_notifications_backlog',
    help: 'Webhook notifications waiting or in flight, by webhook index',
    labelNames: ['hook'],
    registers: [this.registry],
  });
  readonly notificationsSent = new Counter({
    name: 'geofailover_notifications_sent_total',
    help: 'Webhook notifications delivered',
    labelNames: ['event'],
    registers: [this.registry],
  });

  readonly signalUp = new Gauge({
    name: 'geofailover_signal_up',
    help: 'Signal state after its fall/rise: 1 up, 0 down, -1 not decided yet',
    labelNames: ['signal', 'kind', 'effect'],
    registers: [this.registry],
  });
  readonly signalValue = new Gauge({
    name: 'geofailover_signal_value',
    help: "A prometheus signal's last value compared with its threshold (absent while it has none)",
    labelNames: ['signal'],
    registers: [this.registry],
  });
  readonly signalEvaluations = new Counter({
    name: 'geofailover_signal_evaluations_total',
    help: 'Evaluations of prometheus signals, by outcome (up, down, missing: no data or the query failed)',
    labelNames: ['signal', 'outcome'],
    registers: [this.registry],
  });
  readonly signalAlerts = new Gauge({
    name: 'geofailover_signal_alerts_firing',
    help: 'Firing alerts an alertmanager signal holds',
    labelNames: ['signal'],
    registers: [this.registry],
  });
  readonly signalDeliveries = new Counter({
    name: 'geofailover_signal_deliveries_total',
    help: 'Signal deliveries (Alertmanager webhook, pushes) by route, result (accepted, refused) and reason',
    labelNames: ['route', 'result', 'reason'],
    registers: [this.registry],
  });

  /** A pass of `zone` on `provider` began at `at` (its in-flight gauge ages from then). */
  passStarted(zone: string, provider: string, at = Date.now()): void {
    this.passStarts.set(`${zone} ${provider}`, { zone, provider, since: at });
  }

  /** No pass of `zone` on `provider` runs (also: the series exists, at 0, before the first). */
  passEnded(zone: string, provider: string): void {
    this.passStarts.set(`${zone} ${provider}`, { zone, provider });
  }

  constructor(options: { defaults?: boolean } = {}) {
    // Process and Node.js metrics under their standard names (process_cpu_seconds_total,
    // nodejs_eventloop_lag_seconds…), which ready-made dashboards and alerts expect; the job and
    // instance labels tell whose they are. prom-client's prefix is put in front of its own
    // process_ and nodejs_ names, so any prefix here doubles or hides them.
    if (options.defaults ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
