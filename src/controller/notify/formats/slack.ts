// Format slack: one line of text for an incoming webhook, with an icon saying how bad it is.
import type { Notification } from '../notification.ts';
import { listedKinds, type NotificationFormat } from './format.ts';

function icon(n: Notification): string {
  return n.kind === 'failback'
    ? ':white_check_mark:'
    : n.kind === 'drain' || n.kind === 'override'
      ? ':construction:'
      : n.kind === 'maintenance'
        ? ':wrench:'
        : ':rotating_light:';
}

export const slackFormat: NotificationFormat = {
  wants: listedKinds,
  body: ({ notification: n }) =>
    JSON.stringify({ text: `${icon(n)} geofailover (${n.owner}): ${n.message} (${n.at})` }),
};
