/** Load balancing: the factory the route compiler uses, endpoint statistics and per-request selection. */
export { createLoadBalancer, lbAlgorithms } from './factory.ts';
export type { Balancer, LbRequest } from './balancer.ts';
export { endpointHost, type LbEndpoint } from './endpoint.ts';
export { isBalancer } from './balancer.ts';
export { EndpointRegistry, EndpointStats, type PassiveHealthCheckOptions } from './endpoint-registry.ts';
export { lbConfigOf, type RouteLbConfig } from './route-config.ts';
export { selectEndpoint, fadeInScore, filterFadeIn, filterHealthy } from './select.ts';
export { ActiveHealthCheck } from './active-health-check.ts';
