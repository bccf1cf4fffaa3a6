import { describe, expect, it } from 'vitest';
import { layoutKey } from '../../../playground/src/graph/layout-key.ts';
import type { LayoutRequest } from '../../../playground/src/graph/layout-types.ts';

const request = (groups: LayoutRequest['groups']): LayoutRequest => ({
  nodes: [{ id: 'a.b.c', width: 128, height: 36, parent: 'a.b' }],
  edges: [],
  groups,
});

describe('the kept layouts', () => {
  it('tell apart graphs whose composites nest differently, so a kept layout never draws the wrong boxes', () => {
    const nested = layoutKey(request([{ id: 'a' }, { id: 'a.b', parent: 'a' }]));
    expect(layoutKey(request([{ id: 'a' }, { id: 'a.b', parent: 'a' }]))).toBe(nested);
    expect(layoutKey(request([{ id: 'a' }, { id: 'a.b' }]))).not.toBe(nested);
    expect(layoutKey(request([{ id: 'x' }, { id: 'a.b', parent: 'x' }]))).not.toBe(nested);
  });
});
