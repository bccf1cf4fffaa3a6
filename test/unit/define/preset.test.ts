import { describe, expect, it } from 'vitest';
import { preset, InvalidDefinitionError } from '../../../lib/index.ts';

describe('preset()', () => {
  it('refuses a preset whose runConfig is not an object', () => {
    expect(() => preset({ name: 'x', runConfig: [] as never })).toThrow(InvalidDefinitionError);
  });
});
