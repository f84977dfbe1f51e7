// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): which
// audit events open an alert (trigger) and which close it (resolve), and the event body. Pure. One
// alert per region (down, up again), per zone+provider (apply errors, recovered), and one for fail
// static, so the resolve finds the alert its trigger opened (same dedup_key).
import type { StoredEvent } from '../../model/index.ts';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';
export const PD_SUMMARY_MAX = 1024;

export type PdSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PdEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PdSeverity;
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
}

interface Mapped {
  action: 'trigger' | 'resolve';
  key: string;
  severity: PdSeverity;
  component?: string;
  class: string;
}

/** Trigger or resolve for an audit event, or undefined when PagerDuty has no business with it. */
export function pagerdutyAction(owner: string, e: StoredEvent): Mapped | undefined {
  const region = typeof e.region === 'string' ? e.region : undefined;
  const providerKey = () =>
    `geofailover/${owner}/provider/${String(e.zone ?? '?')}/${String(e.provider ?? '?')}`;
  switch (e.type) {
    case 'region-transition':
    case 'family-transition': {
      if (!region) return undefined;
      // One address family of a region has its own alert, which its recovery resolves.
      const family = e.type === 'family-transition' ? String(e.family ?? '?') : undefined;
      const key = `geofailover/${owner}/region/${region}${family ? `/${family}` : ''}`;
      const cls = family ? 'family-down' : 'region-down';
      if (e.from === 'up' && e.to === 'down')
        return { action: 'trigger', key, severity: 'critical', component: region, class: cls };
      if (e.from === 'down' && e.to === 'up')
        return { action: 'resolve', key, severity: 'info', component: region, class: cls };
      return undefined;
    }
    case 'fail-static':
      return {
        action: e.to === 'on' ? 'trigger' : 'resolve',
        key: `geofailover/${owner}/fail-static`,
        severity: 'error',
        class: 'fail-static',
      };
    case 'apply-error':
      // Only the first failure of a streak opens the alert; retries would only repeat it.
      if (typeof e.attempt === 'number' && e.attempt > 1) return undefined;
      return {
        action: 'trigger',
        key: providerKey(),
        severity: 'error',
        class: 'provider-error',
        component: String(e.provider ?? ''),
      };
    case 'plan-refused':
    case 'propagation-failed':
      return {
        action: 'trigger',
        key: providerKey(),
        severity: 'error',
        class: e.type,
        component: String(e.provider ?? ''),
      };
    case 'apply-recovered':
      return {
        action: 'resolve',
        key: providerKey(),
        severity: 'info',
        class: 'provider-error',
        component: String(e.provider ?? ''),
      };
    default:
      return undefined;
  }
}

/** The Events API v2 body; a resolve carries only what PagerDuty needs to find the alert. */
export function pagerdutyEvent(
  owner: string,
  routingKey: string,
  e: StoredEvent,
  message: string,
  details: Record<string, unknown>,
): PdEvent | undefined {
  const m = pagerdutyAction(owner, e);
  if (!m) return undefined;
  const base = { routing_key: routingKey, event_action: m.action, dedup_key: m.key };
  if (m.action === 'resolve') return base;
  const summary = `geofailover ${owner}: ${message}`;
  return {
    ...base,
    payload: {
      summary: summary.length > PD_SUMMARY_MAX ? `${summary.slice(0, PD_SUMMARY_MAX - 1)}…` : summary,
      source: `geofailover/${owner}`,
      severity: m.severity,
      timestamp: new Date(Date.parse(e.at)).toISOString(),
      ...(m.component ? { component: m.component } : {}),
      group: owner,
      class: m.class,
      custom_details: details,
    },
  };
}
