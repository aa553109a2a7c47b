/**
 * SourceFromLast("1.2.3.4", "10.0.0.0/8"): like Source, but takes the last X-Forwarded-For entry, where
 * AWS load balancers put the client address.
 */
import { clientAddress } from '../net/index.ts';
import { addressSpec } from './address-spec.ts';
import { parseIP } from './ip-set.ts';

export const sourceFromLastSpec = addressSpec('SourceFromLast', (req) => parseIP(clientAddress(req.remoteAddress, req.headers['x-forwarded-for'], 'last')));
