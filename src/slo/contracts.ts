/**
 * The shapes the SLO runtime's parts share (runtime.ts composes alert-log.ts, persist.ts and
 * policy-board.ts, which all log). Kept here, importing nothing, so those parts never import the
 * runtime that composes them (docs/architecture.md: no import circles).
 */

/** pino's shape, structurally (the slo room imports only core and config). */
export interface SloLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
