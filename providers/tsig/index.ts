// TSIG (RFC 8945) for any DNS message: sign and verify requests, responses and multi-message
// transfers. Shared by the builtin server (transfers, NOTIFY) and DNS clients (RFC 2136 UPDATE).
export {
  DEFAULT_FUDGE,
  MAX_UNSIGNED_RUN,
  RCODE_NOTAUTH,
  readTsig,
  rejectionAnswer,
  type SignOptions,
  type StreamFailure,
  sign,
  signNext,
  TSIG_ALGORITHMS,
  TSIG_ERROR,
  TSIG_TYPE,
  type TsigAlgorithm,
  type TsigKey,
  type TsigRecord,
  TsigStreamVerifier,
  tsigErrorName,
  tsigKey,
  tsigPlacement,
  tsigRecordSize,
  unsignedError,
  type VerifyFailure,
  type VerifyOutcome,
  verify,
} from './tsig.ts';
export { canonicalName, layout, readName, skipName, skipRecord, WireError } from './wire.ts';
