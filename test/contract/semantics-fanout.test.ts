/**
 * DESIGN.md, "Semantics in detail" → "Outputs, fan-out, collect", and the `RunResult`
 * shape of "Public API".
 */
import { EMPTY, from, of, timer, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError, StepExecutionError, execute, pipeline, solid, type RunResult } from '../../lib/index.ts';
import { executors, expectInvariants, ofType, rejectionOf, silentMode, sleep, stepKeysOf } from '../helpers/index.ts';

const numbersOf = (name: string, values: number[]) => solid({ name, output: z.number(), compute: () => from(values) });
const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
const sum = solid({
  name: 'sum',
  inputs: { xs: z.array(z.number()) },
  output: z.number(),
  compute: (_c, { xs }) => xs.reduce((a, b) => a + b, 0),
});

describe.each(executors)('Outputs, fan-out, collect ($name executor)', ({ runConfig }) => {
  describe('several outputs', () => {
    const split = solid({
      name: 'split',
      inputs: { xs: z.array(z.number()) },
      outputs: { even: z.array(z.number()), odd: z.array(z.number()) },
      compute: (_c, { xs }) => {
        const odd = xs.filter((x) => x % 2 !== 0);
        return odd.length ? { even: xs.filter((x) => x % 2 === 0), odd } : { even: xs };
      },
    });
    const afterOdd = solid({ name: 'after_odd', inputs: { n: z.number() }, compute: () => undefined });
    const count = solid({ name: 'count', inputs: { xs: z.array(z.number()) }, output: z.number(), compute: (_c, { xs }) => xs.length });

    it('each present key of the returned object is one emission of that output', async () => {
      const p = pipeline({
        name: 'split_all',
        modes: [silentMode()],
        graph: () => {
          const { even, odd } = split();
          count.alias('count_even')(even);
          count.alias('count_odd')(odd);
        },
      });
      const result = await execute(p, { runConfig: { ...runConfig, solids: { split: { inputs: { xs: { value: [1, 2, 3, 4] } } } } } });
      expect(result.solid('split').outputs).toEqual({ even: [[2, 4]], odd: [[1, 3]] });
      expect(result.output('count_even')).toBe(2);
      expect(result.output('count_odd')).toBe(2);
    });

    it('an output never emitted is not produced: its downstream is STEP_SKIPPED and the run still succeeds', async () => {
      const p = pipeline({
        name: 'split_missing',
        modes: [silentMode()],
        graph: () => {
          const { even, odd } = split();
          count.alias('count_even')(even);
          const c = count.alias('count_odd')(odd);
          afterOdd(c);
        },
      });
      const result = await execute(p, { runConfig: { ...runConfig, solids: { split: { inputs: { xs: { value: [2, 4] } } } } } });
      expect(result.status).toBe('SUCCESS');
      expect(result.success).toBe(true);
      expect(result.solid('count_even').status).toBe('SUCCESS');
      expect(stepKeysOf(result.events, 'STEP_SKIPPED')).toContain('count_odd');
      expect(ofType(result.events, 'STEP_SKIPPED').find((e) => e.stepKey === 'count_odd')?.reason).toBe('OUTPUT_NOT_PRODUCED');
      expect(result.solid('count_odd').status).toBe('SKIPPED');
      expect(result.solid('count_odd').skipped).toBe(true);
      expect(stepKeysOf(result.events, 'STEP_START')).not.toContain('count_odd');
      expect(result.solid('after_odd').status).toBe('SKIPPED');
      expect(ofType(result.events, 'STEP_SKIPPED').find((e) => e.stepKey === 'after_odd')?.reason).toBe('OUTPUT_NOT_PRODUCED');
      expect(result.events[result.events.length - 1]?.type).toBe('RUN_SUCCESS');
    });

    it('every value emitted by an Observable of several outputs is an object keyed by output name', async () => {
      const multi = solid({
        name: 'multi',
        outputs: { a: z.number(), b: z.string() },
        compute: () => of<{ a?: number; b?: string }[]>({ a: 1 }, { a: 2, b: 'x' }),
      });
      const p = pipeline({
        name: 'multi_stream',
        modes: [silentMode()],
        graph: () => {
          multi();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('multi').outputs).toEqual({ a: [1, 2], b: ['x'] });
      expect(result.solid('multi').output('b')).toBe('x');
    });
    it('multi-output: a key not declared or a value that is not an object fails the step; undefined/null emit nothing (documented)', async () => {
      const undeclared = solid({ name: 'undeclared', outputs: { a: z.number() }, compute: () => ({ a: 1, zzz: 2 }) as { a: number } });
      const notObject = solid({ name: 'not_object', outputs: { a: z.number() }, compute: () => 5 as unknown as { a: number } });
      const nothing = solid({ name: 'nothing_at_all', outputs: { a: z.number() }, compute: () => of(undefined, null) as never });
      const p = pipeline({
        name: 'multi_bad_values',
        modes: [silentMode()],
        graph: () => {
          undeclared();
          notObject();
          nothing();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('undeclared').status).toBe('FAILURE');
      expect(result.solid('undeclared').error?.message).toContain('a');
      expect(result.solid('not_object').status).toBe('FAILURE');
      expect(result.solid('nothing_at_all').status).toBe('SUCCESS');
      expect(result.solid('nothing_at_all').outputs).toEqual({ a: [] });
    });
  });

  describe('fan-out', () => {
    it('an output emitted more than once fans its downstream out: step keys <name>[i], solid <name>, in emission order', async () => {
      const p = pipeline({
        name: 'fan_keys',
        modes: [silentMode()],
        graph: () => {
          double(numbersOf('numbers', [5, 6, 7])());
        },
      });
      const result = await execute(p, { runConfig });
      const starts = ofType(result.events, 'STEP_START').filter((e) => e.solid === 'double');
      expect(starts.map((e) => e.stepKey).sort()).toEqual(['double[0]', 'double[1]', 'double[2]']);
      const outputs = Object.fromEntries(
        ofType(result.events, 'STEP_OUTPUT')
          .filter((e) => e.solid === 'double')
          .map((e) => [e.stepKey, e.value]),
      );
      expect(outputs).toEqual({ 'double[0]': 10, 'double[1]': 12, 'double[2]': 14 });
      expect(result.solid('double').outputs['result']).toEqual([10, 12, 14]);
    });

    it('no synthetic steps: the only steps are the upstream and the mapped ones', async () => {
      const p = pipeline({
        name: 'fan_no_synthetic',
        modes: [silentMode()],
        graph: () => {
          sum(double(numbersOf('numbers', [1, 2])()).collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(stepKeysOf(result.events, 'STEP_START').sort()).toEqual(['double[0]', 'double[1]', 'numbers', 'sum']);
      const solids = new Set(result.events.flatMap((e) => ('solid' in e && e.solid ? [e.solid] : [])));
      expect([...solids].sort()).toEqual(['double', 'numbers', 'sum']);
    });

    it('a fanned chain keeps its index (double[i] feeds triple[i])', async () => {
      const triple = solid({ name: 'triple', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 3 });
      const p = pipeline({
        name: 'fan_chain',
        modes: [silentMode()],
        graph: () => {
          triple(double(numbersOf('numbers', [1, 2, 3])()));
        },
      });
      const result = await execute(p, { runConfig });
      const outputs = Object.fromEntries(
        ofType(result.events, 'STEP_OUTPUT')
          .filter((e) => e.solid === 'triple')
          .map((e) => [e.stepKey, e.value]),
      );
      expect(outputs).toEqual({ 'triple[0]': 6, 'triple[1]': 12, 'triple[2]': 18 });
    });

    it('a plain input beside a fanned one is broadcast to each mapped step', async () => {
      const ten = solid({ name: 'ten', output: z.number(), compute: () => 10 });
      const scale = solid({
        name: 'scale',
        inputs: { n: z.number(), factor: z.number() },
        output: z.number(),
        compute: (_c, { n, factor }) => n * factor,
      });
      const p = pipeline({
        name: 'fan_broadcast',
        modes: [silentMode()],
        graph: () => {
          scale({ n: numbersOf('numbers', [1, 2, 3])(), factor: ten() });
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('scale').outputs['result']).toEqual([10, 20, 30]);
      expect(
        ofType(result.events, 'STEP_START')
          .filter((e) => e.solid === 'scale')
          .map((e) => e.stepKey)
          .sort(),
      ).toEqual(['scale[0]', 'scale[1]', 'scale[2]']);
      expect(ofType(result.events, 'STEP_START').filter((e) => e.solid === 'ten')).toHaveLength(1);
    });

    it('an input given in run config is broadcast to each mapped step too (documented)', async () => {
      const scale = solid({
        name: 'scale',
        inputs: { n: z.number(), factor: z.number() },
        output: z.number(),
        compute: (_c, { n, factor }) => n * factor,
      });
      const p = pipeline({
        name: 'fan_config_broadcast',
        modes: [silentMode()],
        graph: () => {
          scale({ n: numbersOf('numbers', [1, 2, 3])() });
        },
      });
      const result = await execute(p, { runConfig: { ...runConfig, solids: { scale: { inputs: { factor: { value: 5 } } } } } });
      expect(result.solid('scale').outputs['result']).toEqual([5, 10, 15]);
    });

    it('two inputs fanned from the same origin are joined index by index (documented)', async () => {
      const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
      const p = pipeline({
        name: 'fan_same_origin',
        modes: [silentMode()],
        graph: () => {
          const xs = numbersOf('numbers', [1, 2, 3])();
          add(double(xs), xs);
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('add').outputs['result']).toEqual([3, 6, 9]);
    });

    it('two inputs fanned from different origins are an InvalidDefinitionError', async () => {
      const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
      const p = pipeline({
        name: 'fan_two_origins',
        modes: [silentMode()],
        graph: () => {
          add(numbersOf('xs', [1, 2])(), numbersOf('ys', [3, 4])());
        },
      });
      let definitionError: unknown;
      let error: unknown;
      try {
        const promise = execute(p, { runConfig });
        error = await rejectionOf(promise);
      } catch (e) {
        definitionError = e; // refused at pipeline() time would also satisfy the contract
      }
      if (definitionError !== undefined) {
        expect(definitionError).toBeInstanceOf(InvalidDefinitionError);
        return;
      }
      const cause = error instanceof StepExecutionError ? error.cause : error;
      expect(cause).toBeInstanceOf(InvalidDefinitionError);
      const result = (error as StepExecutionError<RunResult>).result;
      expect(result.solid('add').status).toBe('FAILURE');
      expect(result.solid('add').error?.name).toBe('InvalidDefinitionError');
    });
    it('fan-outs nest: name[i][j] (documented)', async () => {
      const pair = solid({ name: 'pair', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => from([n, n + 100]) });
      const p = pipeline({
        name: 'fan_nested',
        modes: [silentMode()],
        graph: () => {
          double(pair(numbersOf('numbers', [1, 2])()));
        },
      });
      const result = await execute(p, { runConfig });
      const keys = ofType(result.events, 'STEP_START')
        .filter((e) => e.solid === 'double')
        .map((e) => e.stepKey)
        .sort();
      expect(keys).toEqual(['double[0][0]', 'double[0][1]', 'double[1][0]', 'double[1][1]']);
      expect(result.solid('double').outputs['result']).toEqual([2, 202, 4, 204]);
    });

    it('mapped results are in index order, a[2] before a[10] (documented)', async () => {
      const values = Array.from({ length: 12 }, (_, i) => i);
      const slow = solid({
        name: 'slow',
        inputs: { n: z.number() },
        output: z.number(),
        compute: async (_c, { n }) => {
          await sleep((12 - n) * 2);
          return n;
        },
      });
      const p = pipeline({
        name: 'fan_index_order',
        modes: [silentMode()],
        graph: () => {
          slow(numbersOf('numbers', values)());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('slow').outputs['result']).toEqual(values);
      expect(result.solid('slow').output()).toEqual(values);
      expect(result.solid('slow').stepKeys).toEqual(values.map((i) => `slow[${i}]`));
    });

    it('a failed mapped step skips only its own downstream; its siblings go on', async () => {
      const picky = solid({
        name: 'picky',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('two');
          return n;
        },
      });
      const p = pipeline({
        name: 'fan_partial_failure',
        modes: [silentMode()],
        graph: () => {
          double(picky(numbersOf('numbers', [1, 2, 3])()));
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      expect(ofType(result.events, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([['double[1]', 'UPSTREAM_FAILED']]);
      expect(
        stepKeysOf(result.events, 'STEP_SUCCESS')
          .filter((k) => k.startsWith('double'))
          .sort(),
      ).toEqual(['double[0]', 'double[2]']);
      expect(result.solid('double').status).toBe('SUCCESS');
      expect(expectInvariants(result.events)).toEqual([]);
    });
  });

  describe('collect', () => {
    it('handle.collect() gathers every value of a fanned chain, in order, into one array; the downstream runs once', async () => {
      // Later values finish first under the async executor: order must still be emission order.
      const slowFirst = solid({
        name: 'slow_first',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => timer(5 * (4 - n)).pipe(map(() => n * 10)),
      });
      const seen: number[][] = [];
      const gather = solid({
        name: 'gather',
        inputs: { xs: z.array(z.number()) },
        compute: (_c, { xs }) => void seen.push(xs),
      });
      const p = pipeline({
        name: 'collect_order',
        modes: [silentMode()],
        graph: () => {
          gather(slowFirst(numbersOf('numbers', [1, 2, 3])()).collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(seen).toEqual([[10, 20, 30]]);
      expect(
        ofType(result.events, 'STEP_START')
          .filter((e) => e.solid === 'gather')
          .map((e) => e.stepKey),
      ).toEqual(['gather']);
    });

    it('collect() of an upstream emitting zero values gives []', async () => {
      const none = solid({ name: 'none', output: z.number(), compute: () => EMPTY });
      const p = pipeline({
        name: 'collect_empty',
        modes: [silentMode()],
        graph: () => {
          sum(none().collect());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(result.output('sum')).toBe(0);
      const seen: unknown[] = [];
      const grab = solid({ name: 'grab', inputs: { xs: z.array(z.number()) }, compute: (_c, { xs }) => void seen.push(xs) });
      const p2 = pipeline({
        name: 'collect_empty_chain',
        modes: [silentMode()],
        graph: () => {
          grab(double(none()).collect());
        },
      });
      const result2 = await execute(p2, { runConfig });
      expect(result2.status).toBe('SUCCESS');
      expect(seen).toEqual([[]]);
    });

    it('collect() of a single value gives a one-element array (documented)', async () => {
      const seen: unknown[] = [];
      const grab = solid({ name: 'grab', inputs: { xs: z.array(z.number()) }, compute: (_c, { xs }) => void seen.push(xs) });
      const p = pipeline({
        name: 'collect_one',
        modes: [silentMode()],
        graph: () => {
          grab(double(numbersOf('numbers', [4])()).collect());
        },
      });
      await execute(p, { runConfig });
      expect(seen).toEqual([[8]]);
    });
    it('a failed step in a collected chain skips the collecting step (UPSTREAM_FAILED, documented)', async () => {
      const picky = solid({
        name: 'picky',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('two');
          return n;
        },
      });
      const p = pipeline({
        name: 'collect_failure',
        modes: [silentMode()],
        graph: () => {
          sum(picky(numbersOf('numbers', [1, 2, 3])()).collect());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(ofType(result.events, 'STEP_SKIPPED').map((e) => [e.stepKey, e.reason])).toEqual([['sum', 'UPSTREAM_FAILED']]);
      expect(result.solid('sum').status).toBe('SKIPPED');
    });
  });

  describe('RunResult outputs and statuses', () => {
    it('outputs[name] is always the array of all values; output(name) is the only value, undefined if none, the array if several', async () => {
      const single = solid({ name: 'single', output: z.number(), compute: () => 1 });
      const many = numbersOf('many', [1, 2, 3]);
      const partial = solid({ name: 'partial', outputs: { a: z.number(), b: z.number() }, compute: () => ({ a: 1 }) });
      const p = pipeline({
        name: 'output_shapes',
        modes: [silentMode()],
        graph: () => {
          single();
          many();
          partial();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('single').outputs).toEqual({ result: [1] });
      expect(result.solid('single').output()).toBe(1);
      expect(result.solid('many').outputs['result']).toEqual([1, 2, 3]);
      expect(result.solid('many').output()).toEqual([1, 2, 3]);
      expect(result.solid('partial').outputs['b']).toEqual([]);
      expect(result.solid('partial').output('b')).toBeUndefined();
      expect(result.solid('partial').output('a')).toBe(1);
    });

    it("output(solid, output = 'result') is solid(solid).output(output)", async () => {
      const single = solid({ name: 'single', output: z.number(), compute: () => 41 });
      const partial = solid({ name: 'partial', outputs: { a: z.number(), b: z.number() }, compute: () => ({ a: 1, b: 2 }) });
      const p = pipeline({
        name: 'output_shortcut',
        modes: [silentMode()],
        graph: () => {
          single();
          partial();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('single')).toBe(41);
      expect(result.output('single', 'result')).toBe(41);
      expect(result.output('partial', 'b')).toBe(2);
      expect(result.output('partial', 'b')).toBe(result.solid('partial').output('b'));
    });

    it('a fanned solid is FAILURE if any of its mapped steps failed', async () => {
      const picky = solid({
        name: 'picky',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('two is bad');
          return n;
        },
      });
      const p = pipeline({
        name: 'fan_failure',
        modes: [silentMode()],
        graph: () => {
          picky(numbersOf('numbers', [1, 2, 3])());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('picky').status).toBe('FAILURE');
      expect(result.solid('picky').success).toBe(false);
      expect(result.solid('picky').error?.message).toContain('two is bad');
      expect(result.solid('picky').outputs['result']).toEqual([1, 3]);
      expect(
        stepKeysOf(result.events, 'STEP_SUCCESS')
          .filter((k) => k.startsWith('picky'))
          .sort(),
      ).toEqual(['picky[0]', 'picky[2]']);
      expect(expectInvariants(result.events)).toEqual([]);
    });

    it('a fanned solid is SKIPPED if all its mapped steps were skipped', async () => {
      const nothing = solid({ name: 'nothing', inputs: { n: z.number() }, outputs: { x: z.number() }, compute: () => ({}) });
      const after = solid({ name: 'after', inputs: { x: z.number() }, compute: () => undefined });
      const p = pipeline({
        name: 'fan_all_skipped',
        modes: [silentMode()],
        graph: () => {
          const { x } = nothing(numbersOf('numbers', [1, 2, 3])());
          after(x);
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(
        stepKeysOf(result.events, 'STEP_SKIPPED')
          .filter((k) => k.startsWith('after'))
          .sort(),
      ).toEqual(['after[0]', 'after[1]', 'after[2]']);
      expect(result.solid('after').status).toBe('SKIPPED');
      expect(result.solid('after').skipped).toBe(true);
    });

    it('a fanned solid with some steps skipped for an unproduced output and the rest succeeded is SUCCESS (documented)', async () => {
      const oddOnly = solid({
        name: 'odd_only',
        inputs: { n: z.number() },
        outputs: { x: z.number() },
        compute: (_c, { n }) => (n % 2 ? { x: n } : {}),
      });
      const after = solid({ name: 'after', inputs: { x: z.number() }, output: z.number(), compute: (_c, { x }) => x });
      const p = pipeline({
        name: 'fan_some_skipped',
        modes: [silentMode()],
        graph: () => {
          after(oddOnly(numbersOf('numbers', [1, 2, 3])()).x);
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('after').status).toBe('SUCCESS');
      expect(result.solid('after').outputs['result']).toEqual([1, 3]);
    });
  });
});
