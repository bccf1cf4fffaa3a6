import { expectTypeOf, test } from 'vitest';
import { execute, mode, pipeline, preset, presetFromFiles, run, type Mode, type Pipeline, type RunOptions } from 'modeflow';

const twoModes = pipeline({
  name: 'two_modes',
  modes: [mode({ name: 'local_dev' }), mode({ name: 'prod' })],
  presets: [preset({ name: 'nightly', mode: 'prod' })],
  graph: () => undefined,
});

test('a pipeline keeps its literal mode names as a union', () => {
  expectTypeOf(twoModes).toEqualTypeOf<Pipeline<'local_dev' | 'prod'>>();
  expectTypeOf(mode({ name: 'prod' })).toEqualTypeOf<Mode<'prod'>>();
  expectTypeOf(mode()).toEqualTypeOf<Mode<'default'>>();
  expectTypeOf(pipeline({ name: 'no_modes', graph: () => undefined })).toEqualTypeOf<Pipeline<'default'>>();
  expectTypeOf(mode.fromResources({ clock: 1 }, 'test')).toEqualTypeOf<Mode<'test'>>();
});

test('execute and run accept only those names', () => {
  void execute(twoModes, { mode: 'prod' });
  run(twoModes, { mode: 'local_dev' });
  // @ts-expect-error a typo of a mode name
  void execute(twoModes, { mode: 'prdo' });
  // @ts-expect-error a typo of a mode name
  run(twoModes, { mode: 'prdo' });
  // @ts-expect-error a pipeline without modes has the one mode `default`
  void execute(pipeline({ name: 'no_modes', graph: () => undefined }), { mode: 'prod' });
});

test("a preset's mode must be one of the pipeline's", () => {
  pipeline({
    name: 'typo_preset',
    modes: [mode({ name: 'local_dev' }), mode({ name: 'prod' })],
    // @ts-expect-error no mode "prdo"
    presets: [preset({ name: 'nightly', mode: 'prdo' })],
    graph: () => undefined,
  });
  pipeline({
    name: 'files_preset',
    modes: [mode({ name: 'prod' })],
    // @ts-expect-error no mode "local_dev"
    presets: [presetFromFiles('dev', [], { mode: 'local_dev' })],
    graph: () => undefined,
  });
  // A preset without a mode fits any pipeline.
  pipeline({ name: 'modeless_preset', modes: [mode({ name: 'prod' })], presets: [preset({ name: 'p' })], graph: () => undefined });
});

test('names known only as strings take any name, as before', () => {
  const name: string = process.env['MODE'] ?? 'prod';
  const dynamic = pipeline({ name: 'dynamic', modes: [mode({ name })], graph: () => undefined });
  expectTypeOf(dynamic).toEqualTypeOf<Pipeline<string>>();
  void execute(dynamic, { mode: 'anything' });
  // A pipeline typed `Pipeline` (e.g. loaded from a file) takes any name, and literal pipelines are Pipelines.
  const loaded: Pipeline = twoModes;
  void execute(loaded, { mode: 'anything' });
  // Options built apart from the call say which names they mean.
  const options: RunOptions<'prod'> = { mode: 'prod' };
  void execute(twoModes, options);
});
