// The notification formats, by the name a webhook's `format` gives: one line each. The config's
// names list is the key type, so a format named there without a body here does not compile.
import type { NotificationFormatName } from '../../../config/index.ts';
import type { NotificationFormat } from './format.ts';
import { jsonFormat } from './json.ts';
import { pagerdutyFormat } from './pagerduty.ts';
import { slackFormat } from './slack.ts';

export type { FormatInput, NotificationFormat } from './format.ts';
export { isPage } from './pagerduty.ts';

export const FORMATS: Readonly<Record<NotificationFormatName, NotificationFormat>> = {
  json: jsonFormat,
  slack: slackFormat,
  pagerduty: pagerdutyFormat,
};
