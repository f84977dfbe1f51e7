// Exit codes of the CLI contract.
export const EXIT = { ok: 0, error: 1, usage: 2, refused: 3, changes: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
