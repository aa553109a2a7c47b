/**
 * Source("1.2.3.4", "10.0.0.0/8"): the client address is in one of the networks. The client address is
 * the first X-Forwarded-For entry when that parses as an IP, else the peer address.
 */
import { clientAddress } from '../net/index.ts';
import { addressSpec } from './address-spec.ts';
import { parseIP } from './ip-set.ts';

export const sourceSpec = addressSpec('Source', (req) => parseIP(clientAddress(req.remoteAddress, req.headers['x-forwarded-for'], 'first')));
