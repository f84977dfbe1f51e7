// The shape of one decoded query as the answer engine sees it, whichever decoder produced it (the
// fast scanner or dns2's Packet.parse), plus the DNS constants both use.

export { TYPE } from '../../dnswire/index.ts';
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;
export const OPTION_ECS = 8;

/** An EDNS Client Subnet option as received (RFC 7871 §6). */
export interface ClientSubnet {
  family: number;
  sourcePrefix: number;
  scopePrefix: number;
  /** The address octets as sent (ceil(source/8) of them). */
  address: Buffer;
}

export interface Edns {
  /** Requestor's UDP payload size (values under 512 are treated as 512). */
  payload: number;
  version: number;
  dnssecOk: boolean;
  ecs?: ClientSubnet;
}

export interface Question {
  /** The question section bytes exactly as they go back to the client (name, type, class). */
  wire: Buffer;
  /** The name as dotted text, lower case, trailing dot; labels holding '.' or odd bytes are escaped
   *  (\DDD), so the text is an unambiguous cache key and never matches a stored name by accident. */
  name: string;
  /** Labels of the name (lower case), for priming name compression. */
  labels: string[];
  type: number;
  qclass: number;
}

export interface Query {
  id: number;
  opcode: number;
  rd: boolean;
  cd: boolean;
  question?: Question;
  edns?: Edns;
  /** Set when the query is malformed in a way that earns FORMERR (the reason is for counters/debug). */
  formerr?: string;
}
