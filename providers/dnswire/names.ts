// Domain names as text the way DNS code compares them: lower case with a trailing dot (no trimming;
// config names are already checked). One rule for zone apexes, question names and TSIG key names.

/** Lower case with a trailing dot: "Xfr-Key" and "xfr-key." compare equal. */
export function absoluteName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}
