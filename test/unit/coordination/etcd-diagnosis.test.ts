// The diagnosis of failed etcd calls: etcd's own answer first, else a handshake with every endpoint,
// at most once per period, so an outage costs one connection attempt per endpoint per period.
import { EtcdAuthenticationFailedError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { EtcdDiagnosis } from '../../../src/coordination/etcd-diagnosis.ts';
import type { Handshake, ProblemContext } from '../../../src/coordination/etcd-problem.ts';

const ctx: ProblemContext = {
  endpoints: ['https://a.internal:2379', 'https://b.internal:2379'],
  prefix: '/gf/',
  secure: true,
  tls: { ca: '/ca.pem' },
  auth: { user: 'gf', from: 'passwordEnv P' },
};
const unavailable = new GRPCUnavailableError('14 UNAVAILABLE: No connection established');

function setup(outcomes: Record<string, Handshake>) {
  let now = 0;
  const probed: string[] = [];
  const d = new EtcdDiagnosis(
    ctx,
    undefined,
    500,
    async (endpoint) => {
      probed.push(endpoint);
      return outcomes[endpoint] ?? { kind: 'ok' };
    },
    () => now,
  );
  return { d, probed, advance: (ms: number) => (now += ms) };
}

describe('EtcdDiagnosis', () => {
  it('an answer from etcd needs no handshake', async () => {
    const { d, probed } = setup({});
    const p = await d.explain(new EtcdAuthenticationFailedError('authentication failed'));
    expect(p?.field).toBe('controller.coordination.auth');
    expect(probed).toEqual([]);
  });

  it('a connection failure: every endpoint is probed, the first problem reported, then kept for a period', async () => {
    const { d, probed, advance } = setup({
      'https://b.internal:2379': {
        kind: 'failed',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        detail: '',
        presentedCert: false,
      },
    });
    const first = await d.explain(unavailable);
    expect(first?.endpoint).toBe('https://b.internal:2379');
    expect(probed).toEqual(['https://a.internal:2379', 'https://b.internal:2379']);
    advance(5000);
    expect(await d.explain(unavailable)).toBe(first);
    expect(probed).toHaveLength(2);
    advance(5000);
    await d.explain(unavailable);
    expect(probed).toHaveLength(4);
  });

  it('an outage is no problem; a success clears what was found without probing again at once', async () => {
    const refused: Handshake = {
      kind: 'failed',
      code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      detail: '',
      presentedCert: false,
    };
    const outcomes: Record<string, Handshake> = { 'https://a.internal:2379': refused };
    const { d, probed, advance } = setup(outcomes);
    expect(await d.explain(unavailable)).toBeDefined();
    d.clear();
    expect(await d.explain(unavailable)).toBeUndefined();
    expect(probed).toHaveLength(2);
    delete outcomes['https://a.internal:2379'];
    outcomes['https://b.internal:2379'] = { kind: 'unreachable', detail: 'connect ECONNREFUSED' };
    advance(10_000);
    expect(await d.explain(unavailable)).toBeUndefined();
    expect(probed).toHaveLength(4);
  });
});
