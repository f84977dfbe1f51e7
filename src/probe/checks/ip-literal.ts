// Telling an IP address from a host name in a check's target without loading node:net: TLS sends only
// host names as the server name (RFC 6066), so the TLS-speaking kinds must know which one they have.

/** An IPv4 or IPv6 literal (bracketed or not): a host name never holds a colon. */
export function isIpLiteral(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
