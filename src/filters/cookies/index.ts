/** Cookie filters: set and drop request and response cookies, jsCookie. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { jsCookie, requestCookie, responseCookie } from './cookie.ts';
import { dropRequestCookie, dropResponseCookie } from './drop-cookie.ts';

export { cookieDomain } from './cookie.ts';
export { requestCookie as readRequestCookie } from './cookie-header.ts';

/** The cookie family; it needs nothing from the process. */
export function cookieFilters(): FilterSpec[] {
  return [requestCookie, responseCookie, jsCookie, dropRequestCookie, dropResponseCookie];
}
