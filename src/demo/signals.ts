// Waiting for Ctrl-C or `kill`: resolves on the first SIGINT or SIGTERM; a second one while the
// caller is still shutting down exits at once (a stuck shutdown can always be interrupted).
export function waitForStopSignal(
  onSecond: (signal: NodeJS.Signals) => void = () => process.exit(130),
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) {
        onSecond(signal);
        return;
      }
      seen = true;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
