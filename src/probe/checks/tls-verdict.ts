// Whether a served certificate passes the tls check, and the detail that says why: pure, from what the
// handshake showed, so every combination of problems is tested without a server. Every problem is
// named (an expired certificate for the wrong name says both), and the days left always appear.

export interface CertFacts {
  /** The certificate's validity, epoch ms. */
  validFrom: number;
  validTo: number;
  now: number;
  minDaysLeft: number;
  /** The name the certificate must carry. */
  name: string;
  /** Why the name does not match (node's checkServerIdentity), or undefined when it does. */
  nameError?: string;
  /** The certificate's names, as node prints them ("DNS:localhost, IP Address:127.0.0.1"). */
  altNames: string;
  /** The chain verification error code (UNABLE_TO_VERIFY_LEAF_SIGNATURE…), or undefined when trusted. */
  chainError?: string;
  /** What the chain was verified against, for the detail. */
  trustedBy: string;
}

export interface CertVerdict {
  ok: boolean;
  detail: string;
  /** Days until expiry, one decimal; negative once expired. */
  daysLeft: number;
}

const DAY_MS = 86_400_000;
/** OpenSSL's codes for a certificate outside its validity: told apart from a chain that is not trusted. */
const TIME_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const days = (n: number) => `${n.toFixed(1)} day${n === 1 ? '' : 's'}`;

export function certVerdict(f: CertFacts): CertVerdict {
  const daysLeft = Math.round(((f.validTo - f.now) / DAY_MS) * 10) / 10;
  const problems: string[] = [];
  let timeSaid = false;
  if (f.now > f.validTo) {
    problems.push(`expired ${days(-daysLeft)} ago (on ${day(f.validTo)})`);
    timeSaid = true;
  } else if (f.now < f.validFrom) {
    problems.push(`not valid until ${day(f.validFrom)} (check this prober's clock)`);
  } else if (daysLeft < f.minDaysLeft) {
    problems.push(`expires in ${days(daysLeft)} (on ${day(f.validTo)}), under minDaysLeft ${f.minDaysLeft}`);
    timeSaid = true;
  }
  if (f.nameError !== undefined) {
    problems.push(`does not match ${f.name} (the certificate names ${f.altNames || 'nothing usable'})`);
  }
  // The leaf's own dates are judged above; a time code with the leaf in date is another certificate
  // of the chain that expired, which is a chain problem.
  const leafInDate = f.now >= f.validFrom && f.now <= f.validTo;
  if (f.chainError !== undefined && !(TIME_CODES.has(f.chainError) && !leafInDate)) {
    problems.push(`does not chain to ${f.trustedBy} (${f.chainError})`);
  }
  if (problems.length === 0) {
    return {
      ok: true,
      detail: `${days(daysLeft)} left (until ${day(f.validTo)}), matches ${f.name}, chains to ${f.trustedBy}`,
      daysLeft,
    };
  }
  if (!timeSaid) problems.push(`${days(daysLeft)} left`);
  return { ok: false, detail: `certificate ${problems.join('; ')}`, daysLeft };
}
