// Typed error for coordination failures (etcd unreachable, a drain that could not be shared).
import { GeofailoverError } from '../model/index.ts';

export class CoordinationError extends GeofailoverError {}
