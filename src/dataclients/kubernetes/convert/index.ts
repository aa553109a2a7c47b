/**
 * Kubernetes cluster state → routes, exactly as Skipper's Kubernetes data client converts it.
 * The RouteGroup conversion receives the {@link SharedContext} built here.
 */
export type { SharedContext } from './context.ts';
export { createSharedContext, normalizeOptions } from './context.ts';
