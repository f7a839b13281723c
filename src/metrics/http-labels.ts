/*
 * Request labels that stay few whatever arrives: a path the server does not route (a
 * scanner's `/../../etc/passwd`, a random string per request) would otherwise be a new
 * series each time, and fill the scraper's memory.
 */

/** Any path that is not one of the server's routes. */
const OTHER_ROUTE = 'other';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route template a path matched, or `other`. */
export function routeLabel(pathname: string, routes: ReadonlySet<string>): string {
  return routes.has(pathname) ? pathname : OTHER_ROUTE;
}

export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

/** An HTTP status as a label: a 3-digit code, anything else (there is none) as `other`. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}
