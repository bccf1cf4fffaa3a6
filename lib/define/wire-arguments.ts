/** How an invocation's arguments become wires: by name (`b({ x: a() })`) or by position (`c(a(), b())`). */
import { InvalidDefinitionError } from '../errors.ts';
import { describe } from './definition.ts';
import { isHandle, type Wire } from './handle.ts';

/**
 * The wires of one invocation of `definition` (`solid "b"`, `composite "etl"`), named
 * `node`, from what it was called with; inputs left out are absent.
 *
 * @throws {InvalidDefinitionError} for an unknown input name, too many positional inputs,
 *   or a value that is not an output handle
 */
export function wireArguments(
  definition: string,
  node: string,
  inputNames: readonly string[],
  args: readonly unknown[],
): Record<string, Wire<unknown>> {
  const where = `invocation "${node}" of ${definition}`;
  // Keyed by input name: no prototype, so an input named `toString` is unwired until wired.
  const wires: Record<string, Wire<unknown>> = Object.create(null);
  if (args.length === 0 || (args.length === 1 && args[0] === undefined)) return wires;
  if (args.length === 1 && !isHandle(args[0]) && typeof args[0] === 'object' && args[0] !== null) {
    for (const [input, value] of Object.entries(args[0])) {
      if (!inputNames.includes(input)) {
        throw new InvalidDefinitionError(`${where} has no input "${input}"; its inputs are: ${inputNames.join(', ') || '(none)'}`);
      }
      if (value === undefined) continue;
      wires[input] = asWire(value, `${where}: input "${input}"`, node, input);
    }
    return wires;
  }
  if (args.length > inputNames.length) {
    throw new InvalidDefinitionError(
      `${where} got ${args.length} positional inputs but declares ${inputNames.length}` +
        (inputNames.length ? ` (${inputNames.join(', ')})` : ''),
    );
  }
  args.forEach((value, i) => {
    const input = inputNames[i]!;
    if (value !== undefined) wires[input] = asWire(value, `${where}: input "${input}"`, node, input);
  });
  return wires;
}

function asWire(value: unknown, where: string, node: string, input: string): Wire<unknown> {
  if (isHandle(value)) return value;
  throw new InvalidDefinitionError(
    `${where} got ${describe(value)}; wire the output of another solid (e.g. b({ ${input}: a() })), ` +
      `or leave it unwired and give it in run config at solids.${node}.inputs.${input}.value`,
  );
}
