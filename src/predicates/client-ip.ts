/** ClientIP("10.0.0.0/8"): the peer address of the connection (never X-Forwarded-For) is in a network. */
import { addressSpec, peerAddr } from './address-spec.ts';

export const clientIPSpec = addressSpec('ClientIP', peerAddr);
