// What the grpc, tls and http checks say when they fail, from the facts alone (no server): each gRPC
// status in the health protocol's words, every problem of a certificate named at once with the days
// left, and a response header that is missing or does not match.
import { describe, expect, it } from 'vitest';
import { grpcErrorText, grpcTarget } from '../../../src/probe/checks/grpc-text.ts';
import { headerProblem } from '../../../src/probe/checks/http.ts';
import { certVerdict } from '../../../src/probe/checks/tls-verdict.ts';

const STATUS: Record<number, string> = {
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  12: 'UNIMPLEMENTED',
  14: 'UNAVAILABLE',
  7: 'PERMISSION_DENIED',
};
const ctx = { service: 'payments', deadlineMs: 500 };

describe('grpc check texts', () => {
  it('dials IP literals without name resolution and host names through DNS', () => {
    expect(grpcTarget('10.0.0.1', 50051)).toBe('ipv4:10.0.0.1:50051');
    expect(grpcTarget('::1', 50051)).toBe('ipv6:[::1]:50051');
    expect(grpcTarget('[2001:db8::1]', 443)).toBe('ipv6:[2001:db8::1]:443');
    expect(grpcTarget('api.example.com', 443)).toBe('dns:api.example.com:443');
  });

  it('names each status the way the health protocol does', () => {
    expect(
      grpcErrorText(STATUS, { code: 5, details: 'Health status unknown for service payments' }, ctx),
    ).toBe(
      'SERVICE_UNKNOWN: the server has no health status for service "payments" (NOT_FOUND: Health status unknown for service payments)',
    );
    expect(grpcErrorText(STATUS, { code: 5 }, { ...ctx, service: '' })).toBe(
      'SERVICE_UNKNOWN: the server has no health status for the server as a whole (NOT_FOUND)',
    );
    expect(grpcErrorText(STATUS, { code: 12 }, ctx)).toBe(
      'UNIMPLEMENTED: the server does not offer grpc.health.v1.Health',
    );
    expect(grpcErrorText(STATUS, { code: 4, details: 'Deadline exceeded' }, ctx)).toBe(
      'DEADLINE_EXCEEDED: no answer within 500 ms',
    );
    expect(grpcErrorText(STATUS, { code: 7, details: 'no' }, ctx)).toBe('PERMISSION_DENIED: no');
    expect(grpcErrorText(STATUS, { code: 99 }, ctx)).toBe('status 99');
  });

  it("tidies grpc-js's connection errors and says what a protocol or TLS failure usually means", () => {
    const http1 = grpcErrorText(
      STATUS,
      {
        code: 14,
        details:
          'No connection established. Last error: Protocol error (2026-12-08T00:32:43.932Z). Resolution note: ',
      },
      ctx,
    );
    expect(http1).toBe(
      'UNAVAILABLE: No connection established. Last error: Protocol error. (the port does not speak gRPC: is it an HTTP/1 port, or does `tls` not match the server?)',
    );
    const ssl = grpcErrorText(
      STATUS,
      {
        code: 14,
        details:
          'No connection established. Last error: 4093A3A09C7F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:78:\n (2026-12-08T00:32:43.932Z)',
      },
      ctx,
    );
    expect(ssl).toBe(
      'UNAVAILABLE: No connection established. Last error: TLS handshake failed: wrong version number (the port does not speak TLS: is `tls: true` set for a plain port?)',
    );
    const long = grpcErrorText(STATUS, { code: 14, details: 'x'.repeat(5000) }, ctx);
    expect(long.length).toBeLessThan(400);
  });
});

describe('tls check verdict', () => {
  const DAY = 86_400_000;
  const now = Date.parse('2026-06-01T00:00:00Z');
  const good = {
    validFrom: now - 10 * DAY,
    validTo: now + 30 * DAY,
    now,
    minDaysLeft: 7,
    name: 'api.example.com',
    altNames: 'DNS:api.example.com',
    trustedBy: 'the given ca',
  };

  it('passes a good certificate, saying its days left', () => {
    expect(certVerdict(good)).toEqual({
      ok: true,
      detail: '30.0 days left (until 2026-07-01), matches api.example.com, chains to the given ca',
      daysLeft: 30,
    });
  });

  it('fails within minDaysLeft, expired, not yet valid', () => {
    expect(certVerdict({ ...good, validTo: now + 3 * DAY })).toMatchObject({
      ok: false,
      detail: 'certificate expires in 3.0 days (on 2026-06-04), under minDaysLeft 7',
      daysLeft: 3,
    });
    expect(certVerdict({ ...good, validTo: now - 2.5 * DAY, chainError: 'CERT_HAS_EXPIRED' })).toMatchObject({
      ok: false,
      detail: 'certificate expired 2.5 days ago (on 2026-05-29)',
      daysLeft: -2.5,
    });
    expect(certVerdict({ ...good, validFrom: now + DAY, chainError: 'CERT_NOT_YET_VALID' }).detail).toBe(
      "certificate not valid until 2026-06-02 (check this prober's clock); 30.0 days left",
    );
  });

  it('names every problem at once, with the days left', () => {
    expect(
      certVerdict({
        ...good,
        validTo: now + DAY,
        nameError: 'Hostname/IP does not match',
        altNames: 'DNS:www.example.com',
        chainError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      }).detail,
    ).toBe(
      'certificate expires in 1.0 day (on 2026-06-02), under minDaysLeft 7; does not match api.example.com (the certificate names DNS:www.example.com); does not chain to the given ca (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
    expect(
      certVerdict({ ...good, chainError: 'SELF_SIGNED_CERT_IN_CHAIN', trustedBy: 'the system CAs' }).detail,
    ).toBe('certificate does not chain to the system CAs (SELF_SIGNED_CERT_IN_CHAIN); 30.0 days left');
  });

  it('a time code with the leaf in date is an expired certificate further up the chain', () => {
    expect(certVerdict({ ...good, chainError: 'CERT_HAS_EXPIRED' })).toMatchObject({
      ok: false,
      detail: 'certificate does not chain to the given ca (CERT_HAS_EXPIRED); 30.0 days left',
    });
  });
});

describe('http header expectations', () => {
  const expected = [['x-served-by', /^eu-/]] as const;
  it('passes a matching header, joins repeated ones, and names a missing or wrong one', () => {
    expect(headerProblem({ 'x-served-by': 'eu-west-1' }, expected)).toBeUndefined();
    expect(headerProblem({ 'x-served-by': ['us-1', 'eu-2'] }, [['x-served-by', /eu-/]])).toBeUndefined();
    expect(headerProblem({}, expected)).toBe('header x-served-by missing, expected /^eu-/');
    expect(headerProblem({ 'x-served-by': 'us-east-1' }, expected)).toBe(
      'header x-served-by: "us-east-1" does not match /^eu-/',
    );
    expect(headerProblem({ 'x-served-by': 'u'.repeat(500) }, expected)!.length).toBeLessThan(150);
  });
});
