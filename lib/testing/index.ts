/**
 * `modeflow/testing`: unit tests of solids, and property tests of solid graphs with
 * fast-check (a peer dependency of this entry only).
 */
// Modes made by these helpers default to the built-ins, as everywhere.
import '../built-ins.ts';

// one solid
export { executeSolid, type ExecuteSolidOptions, type SolidExecutionResult } from './execute-solid.ts';
export { buildSolidContext, type BuildSolidContextOptions, type TestSolidContext } from './build-solid-context.ts';
export { mockResource, type Mock, type MockCall } from '../../modes/resources/mock.ts';
export { virtualTimeExecutor } from '../../modes/executors/virtual-time.ts';

// arbitraries
export { zodArbitrary, SUPPORTED_ZOD_TYPES, type ZodArbitraryOptions } from './zod-arbitrary.ts';
export {
  inputsArbitrary,
  configArbitrary,
  runConfigArbitrary,
  type InputsOf,
  type Configurable,
  type RunConfigArbitraryOptions,
  type RunConfigSection,
} from './config-arbitraries.ts';
export { solidGraphArbitrary, type SolidGraph, type SolidGraphOptions } from './solid-graph-arbitrary.ts';
export {
  COMPUTE_KINDS,
  RESOURCE_KINDS,
  type ComputeKind,
  type ResourceKind,
  type SolidGraphSpec,
  type SolidSpec,
  type InputSpec,
  type ResourceSpec,
  type SolidGraphShapeOptions,
} from './solid-graph-spec.ts';
export type { ExpectedRun, ExpectedStatus } from './solid-graph-expected.ts';
export type { GraphJournal } from './solid-graph-pipeline.ts';

// checking runs
export {
  checkRunInvariants,
  assertRunInvariants,
  type InvariantEvent,
  type RunInvariantsOptions,
  type RunInvariantsResult,
} from './run-invariants.ts';
export { scheduledExecutor, type ScheduledExecutorOptions, type TaskScheduler } from './scheduled-executor.ts';
export { shrinkableScheduler, PickScheduler, type ScheduledTask, type ShrinkableSchedulerOptions } from './shrinkable-scheduler.ts';
