/**
 * Source("1.2.3.4", "10.0.0.0/8"): the client address is in one of the networks. The client address is
 * the first X-Forwarded-For entry when that parses as an IP, else the peer address.
 *
 * Under `-reverse-source-predicate` Source() reads the last entry instead, as SourceFromLast() does: behind a
 * load balancer that appends the peer it saw (AWS ALB), the first entry is whatever the client sent, and an
 * allow-list keyed on it is open to anyone who sets the header. Skipper's flag only switches its generated
 * Kubernetes health-check routes; its documentation ("reverses the lookup of the client IP") promises this.
 */
import { clientAddress } from '../net/index.ts';
import { addressSpec } from './address-spec.ts';
import { parseIP } from './ip-set.ts';

export const sourceSpec = addressSpec('Source', (req) => parseIP(clientAddress(req.remoteAddress, req.headers['x-forwarded-for'], 'first')));

/** Source() reading the last X-Forwarded-For entry (`-reverse-source-predicate`), as SourceFromLast() does. */
export const reversedSourceSpec = addressSpec('Source', (req) => parseIP(clientAddress(req.remoteAddress, req.headers['x-forwarded-for'], 'last')));
