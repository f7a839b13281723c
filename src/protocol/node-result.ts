/** Why a call to one node failed, in a word a person can act on. */
export type NodeErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'clock_skew' | 'bad_response' | 'http_error' | 'incompatible_api';

/** One node's answer in a fan-out: its value, or a typed error. Never both, never neither. */
export type NodeResult<T> =
  | { node: string; ok: true; value: T; ms: number }
  | { node: string; ok: false; error: { kind: NodeErrorKind; message: string; status?: number; code?: string }; ms: number };
