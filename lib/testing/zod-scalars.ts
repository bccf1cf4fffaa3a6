/**
 * Strings, numbers, bigints and dates for {@link zodArbitrary}, generated from the checks
 * zod 4 records on the schema: lengths, ranges and steps become fast-check constraints,
 * formats and regexes become `fc.stringMatching` (or a generator of the format). What a
 * constraint cannot express is marked inexact, and filtered by the schema itself.
 */
import fc from 'fast-check';
import { checksOf, NONE, type Built, type CheckDef, type Schema } from './zod-built.ts';
import { formatArbitrary, type FormatCheck } from './zod-string-formats.ts';

/** A string schema: `z.string()` with its checks, or a format (`z.email()`, `z.iso.date()`, …). */
export function stringArbitrary(schema: Schema): Built {
  let minLength = 0;
  let maxLength = Infinity;
  let exact = true;
  let shaped: fc.Arbitrary<string> | undefined;
  let prefix = '';
  let inner = '';
  let suffix = '';
  let casing: ((text: string) => string) | undefined;
  for (const check of checksOf(schema)) {
    switch (check.check) {
      case 'min_length':
        minLength = Math.max(minLength, check['minimum'] as number);
        break;
      case 'max_length':
        maxLength = Math.min(maxLength, check['maximum'] as number);
        break;
      case 'length_equals':
        minLength = Math.max(minLength, check['length'] as number);
        maxLength = Math.min(maxLength, check['length'] as number);
        break;
      case 'string_format': {
        const format = check['format'] as string;
        if (format === 'starts_with' && !prefix) prefix = check['prefix'] as string;
        else if (format === 'ends_with' && !suffix) suffix = check['suffix'] as string;
        else if (format === 'includes' && check['position'] === undefined) inner += check['includes'] as string;
        else if ((format === 'lowercase' || format === 'uppercase') && !casing) {
          casing = format === 'lowercase' ? (text) => text.toLowerCase() : (text) => text.toUpperCase();
        } else if (!shaped) {
          shaped = formatArbitrary(check as unknown as FormatCheck) ?? patternArbitrary(check);
          if (!shaped) exact = false;
        } else exact = false;
        break;
      }
      default:
        // overwrite (trim, toLowerCase…) and refinements: the schema filters
        exact = false;
    }
  }
  if (minLength > maxLength) return NONE;
  // A format or pattern decides the shape; lengths, affixes and casing are then filtered.
  if (shaped) return { arb: shaped, exact: false };
  const fixed = prefix + inner + suffix;
  if (casing && casing(fixed) !== fixed) exact = false;
  const constraints: { minLength: number; maxLength?: number } = { minLength: Math.max(0, minLength - fixed.length) };
  if (maxLength !== Infinity) {
    if (maxLength < fixed.length) return { arb: fc.string({ minLength, maxLength }), exact: false };
    constraints.maxLength = maxLength - fixed.length;
  }
  const free = fc.string(constraints);
  if (!fixed && !casing) return { arb: free, exact };
  const cased = casing ?? ((text: string) => text);
  return { arb: free.map((text) => prefix + inner + cased(text) + suffix), exact };
}

function patternArbitrary(check: CheckDef): fc.Arbitrary<string> | undefined {
  const pattern = check['pattern'];
  return pattern instanceof RegExp ? fc.stringMatching(pattern) : undefined;
}

/** A numeric range, tightened by each bound: `lo`/`hi` and whether each is excluded. */
class Range<T extends number | bigint> {
  lo: T | undefined;
  loOpen = false;
  hi: T | undefined;
  hiOpen = false;

  above(value: T, inclusive: boolean): void {
    if (this.lo === undefined || value > this.lo || (value === this.lo && !inclusive)) {
      this.lo = value;
      this.loOpen = !inclusive;
    }
  }

  below(value: T, inclusive: boolean): void {
    if (this.hi === undefined || value < this.hi || (value === this.hi && !inclusive)) {
      this.hi = value;
      this.hiOpen = !inclusive;
    }
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** Bounds of zod's number formats (`z.int()` is `safeint`). */
const NUMBER_FORMATS: Readonly<Record<string, { readonly lo: number; readonly hi: number; readonly int: boolean }>> = {
  safeint: { lo: Number.MIN_SAFE_INTEGER, hi: Number.MAX_SAFE_INTEGER, int: true },
  int32: { lo: -(2 ** 31), hi: 2 ** 31 - 1, int: true },
  uint32: { lo: 0, hi: 2 ** 32 - 1, int: true },
  float32: { lo: -FLOAT32_MAX, hi: FLOAT32_MAX, int: false },
  float64: { lo: -Number.MAX_VALUE, hi: Number.MAX_VALUE, int: false },
};

/** A number schema: `z.number()` with min/max/gt/lt/int/multipleOf, or a format (`z.int32()`, …). */
export function numberArbitrary(schema: Schema): Built {
  const range = new Range<number>();
  let int = false;
  let float32 = false;
  let step: number | undefined;
  let exact = true;
  for (const check of checksOf(schema)) {
    switch (check.check) {
      case 'greater_than':
        range.above(Number(check['value']), check['inclusive'] === true);
        break;
      case 'less_than':
        range.below(Number(check['value']), check['inclusive'] === true);
        break;
      case 'multiple_of':
        if (step === undefined) step = Math.abs(check['value'] as number);
        else exact = false;
        break;
      case 'number_format': {
        const format = NUMBER_FORMATS[check['format'] as string];
        if (!format) {
          exact = false;
          break;
        }
        range.above(format.lo, true);
        range.below(format.hi, true);
        int ||= format.int;
        float32 ||= check['format'] === 'float32';
        break;
      }
      default:
        exact = false;
    }
  }
  if (int || (step !== undefined && Number.isInteger(step))) return integers(range, step, int, exact);
  if (step !== undefined) return steps(range, step);
  return floats(range, float32, exact);
}

/** Integers in range, and multiples of `step` when there is one. */
function integers(range: Range<number>, step: number | undefined, int: boolean, exact: boolean): Built {
  let min = range.lo === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(range.lo);
  if (range.loOpen && min === range.lo) min += 1;
  let max = range.hi === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(range.hi);
  if (range.hiOpen && max === range.hi) max -= 1;
  min = Math.max(min, Number.MIN_SAFE_INTEGER);
  max = Math.min(max, Number.MAX_SAFE_INTEGER);
  if (step === undefined || step === 0) return min > max ? NONE : { arb: fc.integer({ min, max }), exact };
  const kMin = Math.ceil(min / step);
  const kMax = Math.floor(max / step);
  if (kMin > kMax) return NONE;
  // int() with a fractional step: the multiples are not all integers, so filter
  return { arb: fc.integer({ min: kMin, max: kMax }).map((k) => k * step), exact: exact && (!int || Number.isInteger(step)) };
}

/** Multiples of a fractional step, rounded to its decimals (zod compares them the same way). */
function steps(range: Range<number>, step: number): Built {
  const decimals = decimalsOf(step);
  const kMin = range.lo === undefined ? -(2 ** 31) : Math.ceil(range.lo / step);
  const kMax = range.hi === undefined ? 2 ** 31 - 1 : Math.floor(range.hi / step);
  if (kMin > kMax) return NONE;
  return { arb: fc.integer({ min: kMin, max: kMax }).map((k) => Number((k * step).toFixed(decimals))), exact: false };
}

function decimalsOf(value: number): number {
  const [mantissa = '', exponent] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.min(100, Math.max(0, fraction - Number(exponent ?? 0)));
}

/** Finite doubles (or 32-bit floats) in range: zod's `z.number()` takes no NaN or Infinity. */
function floats(range: Range<number>, float32: boolean, exact: boolean): Built {
  const { lo, hi } = range;
  if (lo !== undefined && hi !== undefined && (lo > hi || (lo === hi && (range.loOpen || range.hiOpen)))) return NONE;
  const constraints: fc.DoubleConstraints = { noNaN: true, noDefaultInfinity: true };
  if (lo !== undefined) Object.assign(constraints, { min: float32 ? roundUp32(lo) : lo, minExcluded: range.loOpen });
  if (hi !== undefined) Object.assign(constraints, { max: float32 ? roundDown32(hi) : hi, maxExcluded: range.hiOpen });
  if (!float32) return { arb: fc.double(constraints), exact };
  return { arb: fc.float(constraints), exact };
}

/** The smallest 32-bit float not below `value`. */
function roundUp32(value: number): number {
  const f = Math.fround(value);
  return f >= value ? f : Math.fround(value + Math.abs(value) * 2 ** -23);
}

/** The largest 32-bit float not above `value`. */
function roundDown32(value: number): number {
  const f = Math.fround(value);
  return f <= value ? f : Math.fround(value - Math.abs(value) * 2 ** -23);
}

const BIGINT_FORMATS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** A bigint schema: `z.bigint()` with min/max/multipleOf, or `z.int64()`/`z.uint64()`. */
export function bigintArbitrary(schema: Schema): Built {
  const range = new Range<bigint>();
  let step: bigint | undefined;
  let exact = true;
  for (const check of checksOf(schema)) {
    if (check.check === 'greater_than') range.above(BigInt(check['value'] as bigint), check['inclusive'] === true);
    else if (check.check === 'less_than') range.below(BigInt(check['value'] as bigint), check['inclusive'] === true);
    else if (check.check === 'multiple_of' && step === undefined) step = abs(check['value'] as bigint);
    else if (check.check === 'bigint_format' && BIGINT_FORMATS[check['format'] as string]) {
      const [lo, hi] = BIGINT_FORMATS[check['format'] as string]!;
      range.above(lo, true);
      range.below(hi, true);
    } else exact = false;
  }
  const min = range.lo === undefined ? undefined : range.loOpen ? range.lo + 1n : range.lo;
  const max = range.hi === undefined ? undefined : range.hiOpen ? range.hi - 1n : range.hi;
  if (step === undefined || step === 0n) {
    if (min !== undefined && max !== undefined && min > max) return NONE;
    return { arb: fc.bigInt(bounds(min, max)), exact };
  }
  const s = step;
  const kMin = min === undefined ? undefined : -floorDiv(-min, s);
  const kMax = max === undefined ? undefined : floorDiv(max, s);
  if (kMin !== undefined && kMax !== undefined && kMin > kMax) return NONE;
  return { arb: fc.bigInt(bounds(kMin, kMax)).map((k) => k * s), exact };
}

function bounds(min: bigint | undefined, max: bigint | undefined): fc.BigIntConstraints {
  const constraints: fc.BigIntConstraints = {};
  if (min !== undefined) Object.assign(constraints, { min });
  if (max !== undefined) Object.assign(constraints, { max });
  return constraints;
}

const abs = (value: bigint): bigint => (value < 0n ? -value : value);

/** `a / b` rounded down, for `b > 0`. */
function floorDiv(a: bigint, b: bigint): bigint {
  return a >= 0n ? a / b : -((-a + b - 1n) / b);
}

/** A date schema: `z.date()` with min/max. */
export function dateArbitrary(schema: Schema): Built {
  const range = new Range<number>();
  let exact = true;
  for (const check of checksOf(schema)) {
    const at = (value: unknown) => (value instanceof Date ? value.getTime() : Number(value));
    if (check.check === 'greater_than') range.above(at(check['value']), check['inclusive'] === true);
    else if (check.check === 'less_than') range.below(at(check['value']), check['inclusive'] === true);
    else exact = false;
  }
  const constraints: fc.DateConstraints = { noInvalidDate: true };
  if (range.lo !== undefined) Object.assign(constraints, { min: new Date(range.lo + (range.loOpen ? 1 : 0)) });
  if (range.hi !== undefined) Object.assign(constraints, { max: new Date(range.hi - (range.hiOpen ? 1 : 0)) });
  if (constraints.min && constraints.max && constraints.min > constraints.max) return NONE;
  return { arb: fc.date(constraints), exact };
}
