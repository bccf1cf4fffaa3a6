/**
 * Fixed-height virtual rows on @tanstack/virtual-core, wired into preact the way its React
 * adapter does it: the virtualizer lives for the component's life, `_didMount` and
 * `_willUpdate` run in layout effects, and its changes re-render the component. Only the
 * rows in view (plus a few) exist in the DOM, so 10,000+ rows scroll and stream smoothly.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualizerOptions } from '@tanstack/virtual-core';
import type { RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualRowsOptions {
  readonly count: number;
  readonly rowHeight: number;
  readonly overscan?: number;
}

export function useVirtualRows(scroll: RefObject<HTMLElement | null>, options: VirtualRowsOptions): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useState(0);
  const resolved: VirtualizerOptions<HTMLElement, HTMLElement> = {
    count: options.count,
    getScrollElement: () => scroll.current,
    estimateSize: () => options.rowHeight,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    overscan: options.overscan ?? 12,
    onChange: () => rerender((n) => n + 1),
  };
  const instance = useRef<Virtualizer<HTMLElement, HTMLElement> | undefined>(undefined);
  if (!instance.current) instance.current = new Virtualizer(resolved);
  instance.current.setOptions(resolved);
  const virtualizer = instance.current;
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return virtualizer;
}
