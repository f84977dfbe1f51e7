// Small DNS wire pieces that the builtin server, the TSIG code and the RFC 2136 client all need:
// type codes, name comparison text, TXT character-strings, TCP message framing.
export { TYPE } from './constants.ts';
export { absoluteName } from './names.ts';
export { frameTcp, TcpDeframer } from './tcp-framing.ts';
export { txtStrings } from './txt.ts';
