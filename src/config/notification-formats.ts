// The names of the notification formats a webhook may use: the config's `format` enum reads them,
// and the notifier's formats list must give each one a body (src/controller/notify/formats).
export const NOTIFICATION_FORMATS = ['json', 'slack', 'pagerduty'] as const;

export type NotificationFormatName = (typeof NOTIFICATION_FORMATS)[number];
