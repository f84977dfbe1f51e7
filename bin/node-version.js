// Which Node.js versions run geofailover. Supported and tested: the LTS lines 22, 24 and 26. Node 20
// (end of life) still runs it and CI still tests it, unsupported; anything older is refused.
export const SUPPORTED = '22, 24 or 26';
const OLDEST = [20, 19];

/** The one line to print and exit 2 with, or undefined when this version runs geofailover. */
export function unsupportedNode(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  const runs = major > OLDEST[0] || (major === OLDEST[0] && minor >= OLDEST[1]);
  return runs
    ? undefined
    : `geofailover: Node.js ${version} is not supported; run it on Node.js ${SUPPORTED}`;
}
