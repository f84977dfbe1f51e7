// The shape of a notification format: which events a webhook of that format sends, and their body.
import type { StoredEvent } from '../../../model/index.ts';
import type { Notification, NotifyKind } from '../notification.ts';

export interface FormatInput {
  owner: string;
  /** The webhook's routing key (format pagerduty), resolved from its environment variable at start. */
  routingKey: string | undefined;
  event: StoredEvent;
  notification: Notification;
}

export interface NotificationFormat {
  /** Where to POST when the webhook names no url. */
  defaultUrl?: string;
  /** Whether a webhook listing `events` sends a notification of this kind. */
  wants(events: readonly NotifyKind[], kind: NotifyKind): boolean;
  /** The request body, or undefined when the format has nothing to send for this event. */
  body(input: FormatInput): string | undefined;
}

/** The rule of most formats: send what the webhook lists. */
export const listedKinds = (events: readonly NotifyKind[], kind: NotifyKind): boolean =>
  events.includes(kind);
