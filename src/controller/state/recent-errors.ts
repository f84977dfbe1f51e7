// The last 50 errors the status document shows (reconcile failures, fail static), newest last.
import type { StatusDoc } from '../../api/index.ts';

export class RecentErrors {
  private readonly list: StatusDoc['errors'] = [];

  push(message: string, zone?: string): void {
    this.list.push({ at: new Date().toISOString(), ...(zone ? { zone } : {}), message });
    if (this.list.length > 50) this.list.splice(0, this.list.length - 50);
  }

  all(): StatusDoc['errors'] {
    return [...this.list];
  }
}
