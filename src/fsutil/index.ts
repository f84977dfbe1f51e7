// File helpers shared by the stores that must never leave a half-written file.
export { atomicWriteFile, atomicWriteFileSync } from './atomic-write.ts';
