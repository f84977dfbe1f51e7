// The pure parts of the signal sources: a Prometheus answer's numbers and the threshold's verdict,
// Alertmanager's webhook payload, and a push body; each refusal names what is wrong.
import { describe, expect, it } from 'vitest';
import {
  MAX_ALERTS,
  parseAlertmanagerPayload,
  parsePushBody,
  resultOf,
  SignalInputError,
  verdict,
} from '../../../src/signals/index.ts';

const vector = (...values: [Record<string, string>, string][]) =>
  resultOf({ resultType: 'vector', result: values.map(([metric, v]) => ({ metric, value: [1, v] })) }, 's');

describe('prometheus verdict', () => {
  it('compares a scalar or the worst series with the threshold, and says so', () => {
    const scalar = resultOf({ resultType: 'scalar', result: [1, '0.31'] }, 's');
    expect(verdict(scalar, { op: '>', value: 0.05 })).toEqual({
      outcome: 'down',
      value: 0.31,
      detail: 'value 0.31 > 0.05',
    });
    const many = vector([{ region: 'a' }, '0.01'], [{ region: 'b' }, '0.2'], [{ region: 'c' }, '0.07']);
    expect(verdict(many, { op: '>', value: 0.05 })).toEqual({
      outcome: 'down',
      value: 0.2,
      detail: 'value 0.2 > 0.05 ({region="b"}; 3 series)',
    });
    expect(verdict(many, { op: '>', value: 0.5 })).toMatchObject({
      outcome: 'up',
      detail: 'value 0.2 is not > 0.5 ({region="b"}; 3 series)',
    });
    expect(verdict(vector([{}, '0']), { op: '<', value: 1 }).outcome).toBe('down');
    expect(verdict(vector([{}, '+Inf']), { op: '>=', value: 1e9 }).outcome).toBe('down');
  });

  it('is missing on no series or NaN only', () => {
    expect(verdict(vector(), { op: '>', value: 0 })).toEqual({
      outcome: 'missing',
      detail: 'no data: the query returned no series',
    });
    expect(verdict(vector([{}, 'NaN']), { op: '>', value: 0 }).outcome).toBe('missing');
  });

  it('refuses a range vector with the remedy', () => {
    expect(() => resultOf({ resultType: 'matrix', result: [] }, 'errors')).toThrow(
      /returns a range vector \(matrix\); a signal needs a scalar or an instant vector/,
    );
  });
});

const payload = (alerts: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'geofailover',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
    ...extra,
  });

const alert = {
  status: 'firing',
  labels: { alertname: 'HighErrorRate', region: 'eu-west' },
  annotations: { summary: '5xx above 5%' },
  startsAt: '2026-12-08T12:03:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus/graph',
  fingerprint: 'a1b2c3d4e5f60718',
};

function refusal(fn: () => unknown): { reason: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignalInputError) return { reason: err.reason, message: err.message };
    throw err;
  }
  throw new Error('not refused');
}

describe('alertmanager payload', () => {
  it('reads the alerts of a version 4 payload', () => {
    expect(parseAlertmanagerPayload(payload([alert]))).toEqual([
      {
        fingerprint: 'a1b2c3d4e5f60718',
        status: 'firing',
        labels: { alertname: 'HighErrorRate', region: 'eu-west' },
        startsAt: Date.parse('2026-12-08T12:03:00Z'),
        summary: '5xx above 5%',
      },
    ]);
    // Without a fingerprint the same labels give the same identity.
    const { fingerprint: _, ...bare } = alert;
    const [a] = parseAlertmanagerPayload(payload([bare]));
    const [b] = parseAlertmanagerPayload(payload([{ ...bare, status: 'resolved' }]));
    expect(a!.fingerprint).toBe(b!.fingerprint);
  });

  it.each([
    ['not JSON', '{"version":', 'malformed-json', /not valid JSON/],
    ['not an object', '[1]', 'bad-payload', /must be a JSON object/],
    ['another version', payload([alert], { version: '3' }), 'bad-payload', /version must be "4"/],
    ['no alerts list', payload([], { alerts: 'x' }), 'bad-payload', /alerts must be a list/],
    ['a bad status', payload([{ ...alert, status: 'pending' }]), 'bad-payload', /alerts\[0\].status/],
    [
      'labels not strings',
      payload([{ ...alert, labels: { a: 1 } }]),
      'bad-payload',
      /labels.a must be a string/,
    ],
    ['a bad label name', payload([{ ...alert, labels: { 'a-b': 'x' } }]), 'bad-payload', /not a label name/],
    ['a huge label', payload([{ ...alert, labels: { a: 'x'.repeat(5000) } }]), 'bad-payload', /over 1024/],
    ['a bad time', payload([{ ...alert, startsAt: 'yesterday' }]), 'bad-payload', /RFC 3339/],
    ['a bad fingerprint', payload([{ ...alert, fingerprint: '../../x' }]), 'bad-payload', /fingerprint/],
    [
      'too many alerts',
      payload(Array.from({ length: MAX_ALERTS + 1 }, () => alert)),
      'too-large',
      /over 1000; set max_alerts/,
    ],
  ])('refuses %s', (_what, body, reason, message) => {
    const r = refusal(() => parseAlertmanagerPayload(body));
    expect(r.reason).toBe(reason);
    expect(r.message).toMatch(message);
  });
});

describe('push body', () => {
  it('reads state, reason and expiresIn (a duration or ms, default the maximum)', () => {
    expect(parsePushBody('{"state":"down","reason":" LB drained ","expiresIn":"10m"}', 3_600_000)).toEqual({
      state: 'down',
      reason: 'LB drained',
      expiresInMs: 600_000,
    });
    expect(parsePushBody('{"state":"up","reason":"ok","expiresIn":5000}', 3_600_000).expiresInMs).toBe(5000);
    expect(parsePushBody('{"state":"up","reason":"ok"}', 3_600_000).expiresInMs).toBe(3_600_000);
  });

  it.each([
    ['a state that is neither', '{"state":"sideways","reason":"x"}', /"state" must be "down" or "up"/],
    ['no reason', '{"state":"down"}', /needs a "reason"/],
    ['an expiry over the maximum', '{"state":"down","reason":"x","expiresIn":"2h"}', /maxExpiresIn/],
    ['an expiry under a second', '{"state":"down","reason":"x","expiresIn":10}', /from 1000 ms/],
    [
      'an expiry that is no duration',
      '{"state":"down","reason":"x","expiresIn":"soon"}',
      /duration such as 10m/,
    ],
    ['an unknown key', '{"state":"down","reason":"x","until":1}', /unknown key "until"/],
  ])('refuses %s', (_what, body, message) => {
    expect(refusal(() => parsePushBody(body, 3_600_000)).message).toMatch(message);
  });
});
