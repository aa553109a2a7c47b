/** Background services: the contract every one implements, the runner a process role starts them with, and the channel between an instance's primary and its workers. */
export type { Service } from './service.ts';
export { service, ServiceRunner, ServiceStartError, type RunnerOptions } from './runner.ts';
export { InstanceChannel, serveInstanceChannel } from './instance-channel.ts';
export { runSliced, runSync, stepChunk, type SliceOptions, type Steps } from './slices.ts';
export { commonEnds, commonEndsSteps, expectLists, listCounters, replacedSteps, splicesOf, type CommonEnds, type Splice } from './list-steps.ts';
export { heapSettleService, settleHeap, type Settled } from './heap-settle.ts';
export { applyRuntimeFlags, runtimeFlags, startFlags, withStartFlags } from './node-flags.ts';
