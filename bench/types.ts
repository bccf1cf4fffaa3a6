/** What a bench file exports and what the runner prints. */
import type { Stats } from './measure.ts';

/** One line of bench/results/latest.json. */
export interface Row {
  readonly case: string;
  readonly contender: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  /** This contender's median ÷ the case's baseline median (the first row), same run. */
  readonly ratio: number;
}

/** A figure measured for one contender; the first of a case is its baseline. */
export interface Measured extends Stats {
  readonly contender: string;
}

/** A target checked against a case's figures. */
export interface TargetResult {
  readonly label: string;
  /** The figure, formatted. */
  readonly value: string;
  readonly met: boolean;
}

export interface CaseReport {
  readonly rows: readonly Measured[];
  readonly unit: string;
  readonly targets?: readonly TargetResult[];
  /** Printed under the table: skipped contenders, context. */
  readonly notes?: readonly string[];
}

/** One question answered by a table. */
export interface BenchCase {
  /** Matched by `npm run bench -- <word>`. */
  readonly name: string;
  /** The question, printed as the heading. */
  readonly title: string;
  readonly run: () => Promise<CaseReport>;
}
