// `geofailover status` as text: fail static said once, a region in its failback hold-down shown as
// recovering with the reason its hold-down is that long.
import { describe, expect, it } from 'vitest';
import type { StatusDoc } from '../../../src/api/index.ts';
import { renderStatus } from '../../../src/cli/commands/status.ts';

const base: StatusDoc = {
  version: 1,
  owner: 'o',
  mode: 'apply',
  role: 'single',
  replica: 'r',
  now: '2026-03-01T12:00:00.000Z',
  startedAt: '2026-03-01T11:00:00.000Z',
  failStatic: true,
  failStaticReason: '1 prober(s) fresh, fewer than minProbers 2: DNS is held as it is',
  freshProbers: 1,
  minProbers: 2,
  regions: [
    {
      id: 'us-east',
      status: 'down',
      decided: true,
      holdingFailback: true,
      failbackAt: '2026-03-01T12:00:20.000Z',
      holdDownReason: 'hold-down doubled to 20 s after 2 flaps in 4 min',
      endpoints: [],
    },
  ],
  probers: [],
  zones: [],
  errors: [],
  problems: [],
};

describe('renderStatus', () => {
  it('says "DNS is held as it is" once on the fail-static line', () => {
    const text = renderStatus(base, Date.parse(base.now));
    const line = text.split('\n').find((l) => l.startsWith('FAIL STATIC'))!;
    expect(line).toBe('FAIL STATIC: 1 prober(s) fresh, fewer than minProbers 2: DNS is held as it is');
    expect(text.split('DNS is held as it is').length - 1).toBe(1);
  });

  it('says it once too when the controller gave no reason', () => {
    const { failStaticReason: _, ...doc } = base;
    const text = renderStatus(doc, Date.parse(base.now));
    expect(text).toContain('FAIL STATIC: 1 of 2 required probers fresh; DNS is held as it is');
    expect(text.split('DNS is held as it is').length - 1).toBe(1);
  });

  it('shows a region in its hold-down as recovering, with why the hold-down is that long', () => {
    const text = renderStatus(base, Date.parse(base.now));
    expect(text).toContain(
      'recovering; failback at 2026-03-01T12:00:20.000Z (hold-down doubled to 20 s after 2 flaps in 4 min)',
    );
  });
});
