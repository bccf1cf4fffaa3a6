/** The CLI with a selection that cuts into a composite: its input from run config (-c), and scaffold-config -s showing it. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { events, fixture, runCli } from './run-cli.ts';

const file = ['-f', fixture('composite-selection.ts'), 'p'];

describe('modeflow and a selection inside a composite', () => {
  it('pipeline execute -s outer takes the composite input at solids.outer.inputs.x.value', () => {
    const result = runCli(['pipeline', 'execute', ...file, '-c', fixture('composite-selection.yaml'), '-s', 'outer', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const outputs = Object.fromEntries(
      events(result.stdout).flatMap((e) => (e.type === 'STEP_OUTPUT' ? [[e['stepKey'], e['value']]] : [])),
    );
    expect(outputs).toEqual({ 'outer.inner.add5': 15, 'outer.inner.add': 17 });
  });

  it('says where the input goes when it is left out, and never a path it refuses', () => {
    const result = runCli(['pipeline', 'execute', ...file, '-c', fixture('composite-selection.yaml'), '-s', 'outer.inner.add']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('select "outer.inner.add5" too, or give the value in code');
    expect(result.stderr).not.toContain('solids.outer.solids');
  });

  it('pipeline scaffold-config -s outer lists the input under the composite', () => {
    const result = runCli(['pipeline', 'scaffold-config', ...file, '-s', 'outer']);
    expect(result.code).toBe(0);
    expect(parse(result.stdout).solids.outer).toEqual({ config: { k: null }, inputs: { x: { value: null } } });
  });
});
