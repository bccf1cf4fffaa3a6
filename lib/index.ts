// definitions
export { solid, isSolid, type Solid, type AnySolid, type SingleOutputSolidOptions, type MultiOutputSolidOptions, type SolidContext, type RetryPolicy, type InputValues, type OutputValues, type Emits } from './solid.ts';
export { pipeline, isPipeline, type Pipeline, type PipelineOptions } from './pipeline.ts';
export { mode, isMode, defaultExecutors, type Mode, type ModeOptions } from './mode.ts';
export { resource, isResource, type Resource, type ResourceOptions, type Resources, type ResourceValue, type ResourceInitContext } from './resource.ts';
export { logger, isLogger, levelSchema, type Logger, type LoggerOptions, type LogDestination } from './logger.ts';
export { executor, isExecutor, type Executor, type ExecutorOptions, type ExecutorInstance, type ExecutorCreateContext } from './executor.ts';
export { preset, presetFromFiles, type Preset, type PresetOptions } from './preset.ts';
export type { OutputHandle, CollectedHandle, Wire } from './handle.ts';
export type { Log, LogFn, LevelName } from './log.ts';
export type { StepRequest, StepMessage } from './step-request.ts';

// built-ins
export { syncExecutor } from '../modes/executors/sync.ts';
export { asyncExecutor } from '../modes/executors/async.ts';
export { workerPoolExecutor } from '../modes/executors/worker-pool.ts';
export { transfer } from '../modes/executors/worker-crossing.ts';
export { virtualTimeExecutor } from '../modes/executors/virtual-time.ts';
export { consoleLogger } from '../modes/loggers/console.ts';
export { jsonLogger } from '../modes/loggers/json.ts';
export { memoryLogger, type MemoryLogger } from '../modes/loggers/memory.ts';
export { hardcodedResource, noneResource, valuesResource } from '../modes/resources/helpers.ts';
export { mockResource, type Mock, type MockCall } from '../modes/resources/mock.ts';

// running
export { run, execute } from './run.ts';
export type { RunOptions } from './prepare.ts';
export { runConfigSchema } from './run-config-schema.ts';
export { runConfigJsonSchema } from './run-config-json-schema.ts';
export type { RunResult, SolidResult, SolidStatus } from './result.ts';
export { initialRunState, applyEvent, reduceRunState, type RunState, type StepState, type StepStatus, type RunStatus } from './run-state.ts';
export { isTerminal, serializeError, type RunEvent, type RunEventType, type SerializedError } from './events.ts';
export { describeEvent } from './run-logger.ts';
export type * from './events.ts';
export { toRunResult } from '../operators/to-result.ts';
export { runStep } from '../operators/run-step.ts';

// errors
export {
  ModeflowError,
  InvalidDefinitionError,
  InvalidConfigError,
  InvariantViolationError,
  InvalidSubsetError,
  StepExecutionError,
  TypeCheckError,
  WorkerCrashedError,
  RunCanceledError,
  RetryRequested,
  type ConfigIssue,
} from './errors.ts';
