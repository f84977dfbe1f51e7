// RFC 8945 for queries the engine answers, decided before anything else in the message is looked at:
// no TSIG (answer as usual), a TSIG that is not the last record or is malformed (FORMERR, §5.2), a key
// or signature that does not verify (NOTAUTH with the TSIG error, §5.2.1-5.2.3), or a verified request
// whose message as it was before signing is answered and the answer signed. Pure: bytes and keys in.
import { type TsigKey, tsigPlacement, type VerifyFailure, verify, WireError } from '../../tsig/index.ts';

export type TsigGate =
  | { kind: 'unsigned' }
  | { kind: 'formerr'; reason: string }
  | { kind: 'rejected'; failure: VerifyFailure }
  | { kind: 'verified'; key: TsigKey; requestMac: Buffer; unsigned: Buffer };

const UNSIGNED: TsigGate = { kind: 'unsigned' };

/** `now`: seconds since the epoch. With no keys every signed query is BADKEY, as §5.2.1 requires. */
export function checkTsig(msg: Buffer, keys: ReadonlyMap<string, TsigKey>, now: number): TsigGate {
  // No record outside the question section: nothing to look for (the common case, two reads).
  if (msg.length < 12 || msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10) === 0)
    return UNSIGNED;
  try {
    const place = tsigPlacement(msg);
    if (place === 'none') return UNSIGNED;
    if (place === 'misplaced')
      return { kind: 'formerr', reason: 'a TSIG record that is not the last record of the message' };
    const outcome = verify(msg, (name) => keys.get(name), { now })!;
    if (!outcome.ok) return { kind: 'rejected', failure: outcome };
    return {
      kind: 'verified',
      key: outcome.key,
      requestMac: outcome.tsig.mac,
      unsigned: outcome.tsig.unsigned,
    };
  } catch (err) {
    if (err instanceof WireError) return { kind: 'formerr', reason: err.message };
    throw err;
  }
}
