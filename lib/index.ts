// definitions
export { solid, isSolid } from './define/solid.ts';
export type {
  Solid,
  AnySolid,
  SingleOutputSolidOptions,
  MultiOutputSolidOptions,
  SolidContext,
  RetryPolicy,
  InputValues,
  OutputValues,
  Emits,
  EmitsNothing,
} from './define/solid-types.ts';
export { pipeline, isPipeline, type Pipeline, type PipelineOptions } from './define/pipeline.ts';
export { composite, isComposite } from './define/composite.ts';
export { compositeOutputs } from './define/composite-outputs.ts';
export type {
  Composite,
  AnyComposite,
  CommonCompositeOptions,
  SingleOutputCompositeOptions,
  MultiOutputCompositeOptions,
  InferredCompositeOptions,
  InputHandles,
  CompositeReturn,
} from './define/composite-types.ts';
export type { GraphNode, CompositeNode, CompositeInput } from './define/graph.ts';
export { mode, isMode, type Mode, type ModeOptions } from './define/mode.ts';
export {
  resource,
  isResource,
  type Resource,
  type ResourceOptions,
  type Resources,
  type ResourceValue,
  type ResourceInitContext,
} from './define/resource.ts';
export { logger, isLogger, levelSchema, type Logger, type LoggerOptions, type LogDestination } from './define/logger.ts';
export {
  executor,
  isExecutor,
  type Executor,
  type ExecutorOptions,
  type ExecutorInstance,
  type ExecutorCreateContext,
  type ResourceReport,
} from './define/executor.ts';
export { preset, type Preset, type PresetOptions } from './define/preset.ts';
export {
  hook,
  successHook,
  failureHook,
  isHook,
  type Hook,
  type AnyHook,
  type HookOptions,
  type StepHookOptions,
  type HookFn,
  type HookTrigger,
  type StepHookTrigger,
  type RunHookTrigger,
  type HookContext,
  type StepHookContext,
  type RunHookContext,
} from './define/hook.ts';
export { presetFromFiles } from './config/preset-files.ts';
export type { OutputHandle, CollectedHandle, Wire } from './define/handle.ts';
export type { Log, LogFn, LevelName } from './define/log.ts';
export type { StepRequest, StepMessage, EnvSources, CompositeEnvInput, MappedEnvSource } from './define/step-request.ts';

// built-ins (lib/built-ins.ts makes them what modes default to)
export { defaultExecutors } from './built-ins.ts';
export { syncExecutor } from '../modes/executors/sync.ts';
export { asyncExecutor } from '../modes/executors/async.ts';
export { workerPoolExecutor } from '../modes/executors/worker-pool/main/worker-pool-executor.ts';
export { transfer } from '../modes/executors/worker-pool/transfer.ts';
export { queueExecutor } from '../modes/executors/queue/queue-executor.ts';
export { virtualTimeExecutor } from '../modes/executors/virtual-time.ts';
export { consoleLogger } from '../modes/loggers/console.ts';
export { jsonLogger } from '../modes/loggers/json.ts';
export { memoryLogger, type MemoryLogger } from '../modes/loggers/memory.ts';
export { hardcodedResource, noneResource, valuesResource } from '../modes/resources/helpers.ts';
export { mockResource, type Mock, type MockCall } from '../modes/resources/mock.ts';

// running
export { run, execute } from './run.ts';
export type { RunOptions } from './plan/prepare.ts';
export { runConfigSchema } from './config/run-config-schema.ts';
export { runConfigJsonSchema } from './config/run-config-json-schema.ts';
export {
  RunAccumulator,
  type RunResult,
  type SolidResult,
  type SolidStatus,
  type OutputsOf,
  type ResultOf,
  type HasResult,
  type SolidOrComposite,
} from './events/result.ts';
export {
  initialRunState,
  applyEvent,
  reduceRunState,
  type RunState,
  type StepState,
  type StepStatus,
  type RunStatus,
} from './events/run-state.ts';
export { isTerminal, type RunEvent, type RunEventType } from './events/events.ts';
export { describeEvent } from './events/describe-event.ts';
export type * from './events/events.ts';
export { failureOf } from './events/failure-of.ts';
export { originalOf } from './events/json-safe.ts';

// in RxJS apps
export { toRunResult } from '../operators/to-run-result.ts';
export { throwOnFailure } from '../operators/throw-on-failure.ts';
export { outputs } from '../operators/outputs.ts';
export { asOperator, type AsOperatorOptions, type OperatorInput, type OperatorOutput } from '../operators/as-operator.ts';

// running steps elsewhere: what an executor with runStep uses where it runs them (the
// workerPool's threads do), and what asOperator runs a solid with
export { exportedPipelines } from './define/pipeline.ts';
export { runStep, invokeCompute, type ComputeSink, type RunningCompute } from './engine/compute.ts';
export { StepContext, declaredResources, type StepContextSource } from './engine/step-context.ts';
export { ResourceScope, type ResourceScopeOptions, type ScopeReport } from './engine/resource-scope.ts';
export { recordLog, type LogRecord } from './logging/log-record.ts';
export { originalError } from './events/error-registry.ts';
export { checkOf, type TypeCheck } from './plan/plan.ts';
export { checked } from './engine/type-check.ts';
export { retryDecision, type RetryDecision } from './engine/retry.ts';
export { resolveRunConfig, type ResolvedRunConfig } from './config/run-config.ts';
export { makeRedactor, type Redactor } from './config/redact.ts';
export { openRunLogger, type RunLogger, type RunBindings, type RecordSource } from './logging/run-logger.ts';
export { resolveEnvSources, type ResolvedEnvSources, type EnvSourcedStep } from './config/env-sources.ts';

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
  serializeError,
  type ConfigIssue,
  type SerializedError,
} from './errors.ts';
