import type { OutageMode } from './types.js';

/**
 * Failure injection: Discord unreachable. Only the switch lives here; the REST server reads `rest` on every
 * request and the gateway reads `gateway` on every new connection, so an outage starts and ends between two
 * calls, as a real one does.
 */
export class Outage {
  /** 'http-503': every REST call is answered 503; 'reset': the connection is dropped without an answer. */
  rest: OutageMode | null = null;
  /** New gateway connections are refused (503) too. */
  gateway = false;

  /** Switches the outage (true means 'http-503', false ends it); returns a line for the gateway log. */
  set(mode: OutageMode | boolean, options: { gateway?: boolean }): string {
    this.rest = mode === true ? 'http-503' : mode === false ? null : mode;
    this.gateway = this.rest !== null && options.gateway === true;
    return this.rest ? `outage ${this.rest}${this.gateway ? ' (gateway too)' : ''}` : 'outage over';
  }
}
