/**
 * Fan-out bookkeeping. A step instance lives at a *path*: empty for an ordinary step, one
 * segment per fan-out it descends from. An output emitted N > 1 times by the instance at
 * path p fans its downstream out to paths p+[0] … p+[N-1]; one emission keeps path p.
 */

/** One fan-out level: which invocation fanned (`origin`, a plan index) and which value. */
export interface Segment {
  readonly origin: number;
  readonly index: number;
}

export type Path = readonly Segment[];

export const ROOT: Path = Object.freeze([]);

/** The step key of invocation `name` at `path`: `name`, `name[2]`, `name[2][0]`. */
export function stepKeyOf(name: string, path: Path): string {
  if (path.length === 0) return name;
  let key = name;
  for (const s of path) key += `[${s.index}]`;
  return key;
}

/** The paths of the downstream of an instance at `path` that emitted `count` values. */
export function fanPaths(path: Path, origin: number, count: number): Path[] {
  if (count === 1) return [path];
  const out: Path[] = [];
  for (let index = 0; index < count; index++) out.push([...path, { origin, index }]);
  return out;
}

/**
 * How two paths relate: `a` or `b` is the longer one when one is a prefix of the other
 * (the shorter is broadcast), `mismatch` when they differ in an index of the same fan-out
 * (never joined), `conflict` when they descend from different fan-outs (an error).
 */
export function relate(a: Path, b: Path): 'a' | 'b' | 'mismatch' | 'conflict' {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.origin !== y.origin) return 'conflict';
    if (x.index !== y.index) return 'mismatch';
  }
  return a.length >= b.length ? 'a' : 'b';
}

/** Orders paths as emission order: lexicographically by index. */
export function comparePaths(a: Path, b: Path): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]!.index - b[i]!.index;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
