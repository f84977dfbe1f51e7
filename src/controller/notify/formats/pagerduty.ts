// Format pagerduty: an Events API v2 trigger or resolve (the mapping is ../pagerduty.ts), and the
// page rule every format shares: an event that opens or closes an alert is a page.
import type { StoredEvent } from '../../../model/index.ts';
import { PAGERDUTY_URL, pagerdutyAction, pagerdutyEvent } from '../pagerduty.ts';
import type { NotificationFormat } from './format.ts';

/** Whether the event opens or closes an alert (the PagerDuty mapping decides, for every format). */
export const isPage = (owner: string, e: StoredEvent): boolean => pagerdutyAction(owner, e) !== undefined;

export const pagerdutyFormat: NotificationFormat = {
  defaultUrl: PAGERDUTY_URL,
  // An alert opened for a failover is resolved by the failback even when only failover is listed.
  wants: (events, kind) => events.includes(kind) || (kind === 'failback' && events.includes('failover')),
  body: ({ owner, routingKey, event, notification: n }) => {
    const pd = pagerdutyEvent(owner, routingKey!, event, n.message, n.details);
    return pd ? JSON.stringify(pd) : undefined;
  },
};
