/** The data of an executor benchmark: what `benchExecutors` returns and `--json` prints. */

/** Where and what was measured. */
export interface BenchEnvironment {
  /** `process.version`, e.g. `v20.19.5`. */
  readonly node: string;
  /** `os.availableParallelism()`. */
  readonly cpus: number;
  /** The first CPU's model name, as the OS reports it. */
  readonly cpuModel: string;
  /** `process.platform`, e.g. `linux`. */
  readonly platform: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** The 1-minute load average when the bench started (0 where the OS has none): other work on the machine shows up as noise. */
  readonly loadAverage: number;
  readonly pipeline: string;
  readonly mode: string;
  /** Steps that ran in the first executor's first run (`STEP_START` events). */
  readonly steps: number;
  /** Timed runs per executor. */
  readonly runs: number;
  /** Untimed runs per executor before the timed ones. */
  readonly warmup: number;
  /** When the bench started, ISO 8601. */
  readonly date: string;
}

/** The figures of one executor (with one config). */
export interface ExecutorResult {
  /** The executor's name (`async`). */
  readonly executor: string;
  /** How the report names it: the name, with the config given for it (`async(maxConcurrent=16)`). */
  readonly label: string;
  /** The executor's config as the runs used it: parsed, defaults applied, secrets redacted. */
  readonly config: unknown;
  /** The first run of this executor in the process (a new worker pool, cold caches), timed apart. */
  readonly coldStartMs: number;
  /** Timed runs. */
  readonly runs: number;
  readonly medianMs: number;
  readonly p75Ms: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Relative margin of error of the mean, in percent (95% confidence; tinybench's `rme`). */
  readonly rme: number;
  /**
   * Median absolute deviation of the timed runs, ms (tinybench's `mad`): their spread
   * around the median, from which the `±` of ratios and comparisons is propagated.
   */
  readonly madMs: number;
  /** 1000 ÷ `medianMs`. */
  readonly runsPerSecond: number;
  /** Steps per run × `runsPerSecond`. */
  readonly stepsPerSecond: number;
  /** Steps that ran per run (`STEP_START` events of its first run). */
  readonly steps: number;
  /**
   * The highest resident set size of the process seen while this executor's runs ran:
   * the main thread and worker threads (they share the process), not other processes.
   */
  readonly peakRssBytes: number;
}

/** A whole benchmark: environment, one entry per executor in the order run, and the summary lines. */
export interface BenchReport {
  readonly environment: BenchEnvironment;
  readonly executors: readonly ExecutorResult[];
  /** `async ran 3.79 ± 0.12× faster than sync`, fastest first; empty with one executor. */
  readonly summary: readonly string[];
}

/** Where a bench is, for a progress line: which executor, which phase, which run. */
export interface BenchProgress {
  /** The executor's label. */
  readonly executor: string;
  /** 1-based position of the executor, and how many there are. */
  readonly index: number;
  readonly count: number;
  /** `cold`: its first run; `warmup`: untimed runs; `run`: timed runs. */
  readonly phase: 'cold' | 'warmup' | 'run';
  /** 1-based run within the phase, and how many the phase has. */
  readonly run: number;
  readonly of: number;
}
