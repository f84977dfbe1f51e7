// Checks the TSIG of the responses to one signed request (one for an UPDATE, a stream for an AXFR)
// with the shared verifier (providers/tsig), and words each failure as this adapter's TsigError, so
// errors.ts can tell a server's TSIG verdict (BADKEY, BADTIME) from an answer we cannot trust.
import {
  MAX_UNSIGNED_RUN,
  type StreamFailure,
  TSIG_ERROR,
  type TsigKey,
  TsigStreamVerifier,
  tsigErrorName,
} from '../tsig/index.ts';
import { TsigError } from './errors.ts';

const KNOWN_ERRORS: readonly number[] = Object.values(TSIG_ERROR);
const bare = (name: string) => name.replace(/\.$/, '');

/**
 * Every call either returns (the message is authentic) or throws a TsigError; call finish() after
 * the last message (a stream must end on a signed message).
 */
export class ResponseVerifier {
  private readonly stream: TsigStreamVerifier;

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
    /** Seconds since the epoch; the clock by default. */
    opts: { now?: number } = {},
  ) {
    const now = opts.now;
    this.stream = new TsigStreamVerifier(key, requestMac, now === undefined ? undefined : () => now);
  }

  verify(msg: Buffer): void {
    const failure = this.stream.check(msg);
    if (failure) throw this.error(failure);
  }

  /** A stream must end on a signed message. */
  finish(): void {
    const failure = this.stream.checkEnd();
    if (failure)
      throw new TsigError('missing', `the last ${failure.unsignedRun} message(s) of the stream are unsigned`);
  }

  private error(f: StreamFailure): TsigError {
    const t = f.tsig;
    switch (f.problem) {
      case 'unsigned':
        return f.unsignedRun === 1
          ? new TsigError('missing', 'the response carries no TSIG signature, so it cannot be trusted')
          : new TsigError(
              'missing',
              `more than ${MAX_UNSIGNED_RUN} unsigned messages in a row in a signed stream`,
            );
      case 'wrong-key':
        return bare(t!.keyName) !== bare(this.key.name.toLowerCase())
          ? new TsigError(
              'wrong-key',
              `the response is signed with key "${bare(t!.keyName)}", not "${this.key.name}"`,
            )
          : new TsigError(
              'wrong-key',
              `the response is signed with ${bare(t!.algorithm)}, not ${this.key.algorithm}`,
            );
      case 'peer-error': {
        const code = f.peerError!;
        const name = KNOWN_ERRORS.includes(code) ? tsigErrorName(code) : `error ${code}`;
        return new TsigError('server-error', `the server rejected our TSIG signature (${name})`, name);
      }
      case 'bad-mac':
        return new TsigError('bad-mac', 'the response MAC does not verify with our key (BADSIG)');
      case 'bad-time':
        return new TsigError(
          'bad-time',
          `the response was signed at ${t!.timeSigned}, ${f.now! - t!.timeSigned} s from our clock (fudge ${t!.fudge} s)`,
        );
      case 'malformed':
        return new TsigError('malformed', f.reason);
    }
  }
}
