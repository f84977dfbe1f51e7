// What one notification is: the facts of an audit event every format builds its body from.
import type { NotificationConfig } from '../../config/index.ts';

export type NotifyKind = NotificationConfig['events'][number];

export interface Notification {
  id: string;
  kind: NotifyKind;
  at: string;
  message: string;
  region?: string;
  zone?: string;
  owner: string;
  details: Record<string, unknown>;
}
