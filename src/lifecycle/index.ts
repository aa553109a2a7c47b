/** Background services: the contract every one implements, and the runner a process role starts them with. */
export type { Service } from './service.ts';
export { service, ServiceRunner, ServiceStartError, type RunnerOptions } from './runner.ts';
