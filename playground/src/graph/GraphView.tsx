/**
 * A pipeline's graph: SVG boxes and edges on the layout (quick at once, dagre's when the
 * worker has it), panned by dragging, zoomed with the wheel or + / − / 0 keys. Shows the
 * selection (others dimmed) on the launchpad and each solid's status in the run view.
 */
import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SolidProgress } from '../model/run-store.ts';
import type { Tone } from '../ui/status.ts';
import { edgePath } from './edge-path.ts';
import { showsDefinition, type GraphCompositeModel, type GraphModel, type GraphNodeModel } from './graph-model.ts';
import './graph-groups.css';
import { layOut } from './layout-client.ts';
import { GROUP_LABEL, GROUP_PADDING, layoutRequestOf, type Box, type GraphLayout } from './layout-types.ts';

export interface GraphViewProps {
  readonly model: GraphModel;
  /** The selected solids; the rest is dimmed. `undefined`: nothing dimmed. */
  readonly highlight?: ReadonlySet<string> | undefined;
  /** Each solid's status in a run. */
  readonly toneOf?: ((solid: string) => Tone) | undefined;
  readonly progressOf?: ((solid: string) => SolidProgress | undefined) | undefined;
  readonly focused?: string | undefined;
  readonly onNodeClick?: ((solid: string) => void) | undefined;
  /** Called with a composite's (dotted) name when its name band is clicked; without it the band is not clickable. */
  readonly onCompositeClick?: ((composite: string) => void) | undefined;
  /** Bumped when tones or progress changed (the run view's frame counter). */
  readonly version?: number;
}

interface View {
  x: number;
  y: number;
  k: number;
}

const MIN_ZOOM = 0.04;
const MAX_ZOOM = 2.5;
/** Below this zoom the names are too small to read and are not drawn (nor laid out). */
const FAR_ZOOM = 0.38;

/** The zoom that fits a layout in a box of `width` × `height`. */
function fitScale(layout: GraphLayout, width: number, height: number): number {
  return Math.max(MIN_ZOOM, Math.min(1.15, (width - 32) / layout.width, (height - 32) / layout.height));
}

export function GraphView(props: GraphViewProps) {
  const { model } = props;
  const [layout, setLayout] = useState<GraphLayout | undefined>(undefined);
  const host = useRef<HTMLDivElement>(null);
  const world = useRef<SVGGElement>(null);
  const view = useRef<View>({ x: 0, y: 0, k: 1 });
  const touched = useRef(false);
  const [far, setFar] = useState(false);

  const request = useMemo(() => layoutRequestOf(model), [model]);
  const solidsIn = useMemo(() => solidsByComposite(model), [model]);
  useEffect(() => {
    touched.current = false;
    setLayout(undefined);
    return layOut(request, (next) => {
      // Decide before the first draw whether the names show: a thousand names laid out only
      // to be hidden by the fit would cost their text layout for nothing.
      const rect = host.current?.getBoundingClientRect();
      if (rect && rect.width > 0 && !touched.current) setFar(fitScale(next, rect.width, rect.height) < FAR_ZOOM);
      setLayout(next);
    });
  }, [request]);

  const apply = () => {
    const { x, y, k } = view.current;
    world.current?.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
    const isFar = k < FAR_ZOOM;
    setFar((was) => (was === isFar ? was : isFar));
  };

  const fit = () => {
    const el = host.current;
    if (!el || !layout) return;
    const { width, height } = el.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const k = fitScale(layout, width, height);
    view.current = { k, x: (width - layout.width * k) / 2, y: Math.max(8, (height - layout.height * k) / 2) };
    apply();
  };

  // A new layout (the quick one, then dagre's) fits the view, unless the user moved it.
  useEffect(() => {
    if (layout && !touched.current) fit();
  }, [layout]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (!touched.current) fit();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [layout]);

  const zoomAt = (factor: number, cx: number, cy: number) => {
    const v = view.current;
    const k = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, v.k * factor));
    view.current = { k, x: cx - ((cx - v.x) * k) / v.k, y: cy - ((cy - v.y) * k) / v.k };
    touched.current = true;
    apply();
  };

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const rect = host.current!.getBoundingClientRect();
    zoomAt(Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.0015)), event.clientX - rect.left, event.clientY - rect.top);
  };

  const drag = useRef<{ x: number; y: number; moved: boolean } | undefined>(undefined);
  const [panning, setPanning] = useState(false);
  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
  };
  const onPointerMove = (event: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      setPanning(true);
      host.current?.setPointerCapture(event.pointerId);
    }
    view.current = { ...view.current, x: view.current.x + dx, y: view.current.y + dy };
    d.x = event.clientX;
    d.y = event.clientY;
    touched.current = true;
    apply();
  };
  const onPointerUp = (event: PointerEvent) => {
    const d = drag.current;
    drag.current = undefined;
    setPanning(false);
    if (d?.moved) return;
    const target = event.target as Element;
    const name = target.closest?.('[data-solid]')?.getAttribute('data-solid');
    if (name) props.onNodeClick?.(name);
    const composite = target.closest?.('[data-composite-band]')?.getAttribute('data-composite-band');
    if (composite) props.onCompositeClick?.(composite);
  };

  // One tooltip for the whole graph: the hovered solid's text goes on the host's title,
  // rather than a <title> element in each of a thousand boxes.
  const onPointerOver = (event: PointerEvent) => {
    const target = event.target as Element;
    const name = target.closest?.('[data-solid]')?.getAttribute('data-solid');
    const node = name ? model.byName.get(name) : undefined;
    const groupName = node ? undefined : target.closest?.('[data-composite]')?.getAttribute('data-composite');
    const composite = groupName ? model.composites.get(groupName) : undefined;
    const el = host.current;
    if (el)
      el.title = node
        ? nodeTip(node, props.progressOf?.(node.name))
        : composite
          ? compositeTip(composite, solidsIn.get(composite.name)?.length ?? 0, props.onCompositeClick !== undefined)
          : '';
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const rect = host.current!.getBoundingClientRect();
    if (event.key === '+' || event.key === '=') zoomAt(1.25, rect.width / 2, rect.height / 2);
    else if (event.key === '-') zoomAt(0.8, rect.width / 2, rect.height / 2);
    else if (event.key === '0' || event.key === 'f') {
      touched.current = false;
      fit();
    } else return;
    event.preventDefault();
  };

  // Added once, not per render (the run view renders every frame); it calls the latest handler.
  const wheel = useRef(onWheel);
  wheel.current = onWheel;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const listener = (event: WheelEvent) => wheel.current(event);
    el.addEventListener('wheel', listener, { passive: false });
    return () => el.removeEventListener('wheel', listener);
  }, []);

  const highlight = props.highlight;
  const groupMark = (name: string): string => {
    const solids = solidsIn.get(name);
    if (highlight === undefined || !solids) return '';
    const picked = solids.filter((solid) => highlight.has(solid)).length;
    return picked === solids.length ? ' picked' : picked === 0 ? ' dim' : '';
  };
  /** The composites' boxes, or their names: drawn in two layers, the names over the edges. */
  const groupLayer = (part: 'frame' | 'label') =>
    Object.entries(layout?.groups ?? {}).map(([name, box]) => (
      <GroupView
        part={part}
        key={`${part}:${name}`}
        name={name}
        composite={model.composites.get(name)}
        box={box}
        mark={groupMark(name)}
        clickable={props.onCompositeClick !== undefined}
      />
    ));

  return (
    <div
      class={`graph${panning ? ' panning' : ''}${far ? ' far' : ''}`}
      ref={host}
      tabIndex={0}
      aria-label={`Graph of ${model.name}: ${model.nodes.length} solids. Drag to pan, wheel or + and − to zoom, 0 to fit.`}
      data-testid="graph"
      data-layout={layout?.engine ?? 'none'}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerOver={onPointerOver}
      onKeyDown={onKeyDown}
    >
      {!layout && <div class="graph-empty">Laying out {model.nodes.length} solids…</div>}
      {layout && (
        <svg>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,1.5 L9,5 L0,8.5 z" fill="#9aa3b1" />
            </marker>
          </defs>
          <g ref={world}>
            {groupLayer('frame')}
            {layout.edges.map((edge) => {
              const cls = highlight === undefined ? '' : highlight.has(edge.from) && highlight.has(edge.to) ? ' picked' : ' dim';
              return <path key={`${edge.from}>${edge.to}`} class={`edge${cls}`} d={edgePath(edge.points)} marker-end="url(#arrow)" />;
            })}
            {/* Names over the edges that cross their band, under the solids. */}
            {groupLayer('label')}
            {model.nodes.map((node) => {
              const box = layout.nodes[node.name];
              if (!box) return null;
              const tone = props.toneOf?.(node.name);
              const progress = props.progressOf?.(node.name);
              return (
                <NodeView
                  key={node.name}
                  node={node}
                  box={box}
                  tone={tone}
                  done={progress ? progress.success + progress.failure + progress.skipped + progress.canceled : 0}
                  total={progress?.total ?? 0}
                  mark={highlight === undefined ? '' : highlight.has(node.name) ? 'picked' : 'dim'}
                  focused={props.focused === node.name}
                />
              );
            })}
          </g>
        </svg>
      )}
      {layout && (
        <>
          <div class="graph-note">
            {model.nodes.length} solids{layout.engine === 'quick' && model.nodes.length > 1 ? ' · refining layout…' : ''}
          </div>
          <div class="graph-controls">
            <button
              class="btn small"
              type="button"
              title="Zoom in (+)"
              onClick={() => zoomAt(1.25, host.current!.clientWidth / 2, host.current!.clientHeight / 2)}
            >
              +
            </button>
            <button
              class="btn small"
              type="button"
              title="Zoom out (−)"
              onClick={() => zoomAt(0.8, host.current!.clientWidth / 2, host.current!.clientHeight / 2)}
            >
              −
            </button>
            <button
              class="btn small"
              type="button"
              title="Fit to view (0)"
              onClick={() => {
                touched.current = false;
                fit();
              }}
            >
              ⤢
            </button>
          </div>
        </>
      )}
    </div>
  );
}

/** Every solid inside each composite, nested ones' included. */
function solidsByComposite(model: GraphModel): Map<string, string[]> {
  const inside = new Map<string, string[]>();
  for (const node of model.nodes) {
    const seen = new Set<string>();
    for (let at = node.solid.composite; at !== undefined && !seen.has(at); at = model.composites.get(at)?.parent) {
      seen.add(at);
      let solids = inside.get(at);
      if (!solids) inside.set(at, (solids = []));
      solids.push(node.name);
    }
  }
  return inside;
}

/** What a composite's tooltip says: its dotted name, definition, description, how many solids. */
export function compositeTip(composite: GraphCompositeModel, solids: number, clickable: boolean): string {
  const own = composite.name.slice(composite.name.lastIndexOf('.') + 1);
  return [
    `${composite.name} (composite${composite.definition !== own ? ` ${composite.definition}` : ''})`,
    composite.description ?? undefined,
    `${solids} ${solids === 1 ? 'solid' : 'solids'}${clickable ? ' · click its name to select it' : ''}`,
  ]
    .filter(Boolean)
    .join('\n');
}

interface GroupViewProps {
  /** The box (drawn under the edges), or its name band (drawn over them). */
  readonly part: 'frame' | 'label';
  readonly name: string;
  readonly composite: GraphCompositeModel | undefined;
  readonly box: Box;
  readonly mark: string;
  readonly clickable: boolean;
}

/**
 * A composite's box: its own name (the last part of the dotted one; the definition's beside
 * it when that differs) in a band on top, which selects it when clicked on the launchpad.
 */
function GroupView({ part, name, composite, box, mark, clickable }: GroupViewProps) {
  if (part === 'frame')
    return (
      <g class={`group${mark}`} data-composite={name}>
        <rect class="frame" x={box.x} y={box.y} width={box.width} height={box.height} rx={8} />
      </g>
    );
  const own = name.slice(name.lastIndexOf('.') + 1);
  const definition = composite && composite.definition !== own ? composite.definition : '';
  const room = Math.max(1, Math.floor((box.width - 20) / 6.6));
  const shown = own.length > room ? `${own.slice(0, Math.max(1, room - 1))}…` : own;
  const defRoom = room - shown.length - 2;
  return (
    <g class={`group-label${mark}${clickable ? ' clickable' : ''}`} data-composite={name}>
      <rect class="band" x={box.x} y={box.y} width={box.width} height={GROUP_PADDING + GROUP_LABEL} rx={8} data-composite-band={name} />
      <text x={box.x + 10} y={box.y + 16}>
        {shown}
        {definition && defRoom >= 4 && (
          <tspan class="def" dx={6}>
            {definition.length > defRoom ? `${definition.slice(0, defRoom - 1)}…` : definition}
          </tspan>
        )}
      </text>
    </g>
  );
}

interface NodeViewProps {
  readonly node: GraphNodeModel;
  readonly box: Box;
  readonly tone: Tone | undefined;
  readonly done: number;
  readonly total: number;
  readonly mark: '' | 'picked' | 'dim';
  readonly focused: boolean;
}

/** What a solid's tooltip says: its definition, description, wiring, resources and steps. */
export function nodeTip(node: GraphNodeModel, progress: SolidProgress | undefined): string {
  const { solid } = node;
  const inputs = solid.inputs.map((i) => (i.from ? `${i.name} ← ${i.from.solid}.${i.from.output}` : `${i.name} (from config)`));
  const done = progress ? progress.success + progress.failure + progress.skipped + progress.canceled : 0;
  return [
    solid.name + (solid.definition !== solid.name ? ` (${solid.definition})` : ''),
    solid.description,
    inputs.length ? `inputs: ${inputs.join(', ')}` : undefined,
    solid.outputs.length ? `outputs: ${solid.outputs.join(', ')}` : undefined,
    solid.resources.length ? `resources: ${solid.resources.join(', ')}` : undefined,
    progress && progress.total > 0 ? `steps: ${done}/${progress.total} done` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

/** One solid's box; re-renders only when what it shows changed (a run updates many per frame). */
class NodeView extends Component<NodeViewProps> {
  override shouldComponentUpdate(next: NodeViewProps): boolean {
    const p = this.props;
    return (
      next.box !== p.box ||
      next.tone !== p.tone ||
      next.done !== p.done ||
      next.total !== p.total ||
      next.mark !== p.mark ||
      next.focused !== p.focused
    );
  }

  override render() {
    const { node, box, tone, done, total, mark, focused } = this.props;
    const { solid } = node;
    const withDefinition = showsDefinition(solid.name, solid.definition);
    const maxChars = Math.floor((box.width - 30) / 7);
    const clip = (text: string) => (text.length > maxChars ? `${text.slice(0, Math.max(1, maxChars - 1))}…` : text);
    const fanned = total > 1;
    const cls = ['node', tone ? `tone-${tone}` : '', mark, focused ? 'focused' : ''].filter(Boolean).join(' ');
    return (
      <g class={cls} transform={`translate(${box.x},${box.y})`} data-solid={solid.name} data-tone={tone ?? ''}>
        <rect class="box" width={box.width} height={box.height} rx={6} />
        <rect class="stripe" x={0.5} y={0.5} width={4} height={box.height - 1} rx={2} />
        <text class="name" x={14} y={withDefinition ? 20 : box.height / 2 + 4}>
          {clip(solid.name)}
        </text>
        {withDefinition && (
          <text class="def" x={14} y={36}>
            {clip(solid.definition)}
          </text>
        )}
        {fanned && (
          <>
            <text class="progress" x={box.width - 8} y={withDefinition ? 20 : box.height / 2 + 4} text-anchor="end">
              {done}/{total}
            </text>
            <rect class="bar-bg" x={10} y={box.height - 6} width={box.width - 20} height={2.5} rx={1} />
            <rect class="bar-fill" x={10} y={box.height - 6} width={((box.width - 20) * done) / total} height={2.5} rx={1} />
          </>
        )}
      </g>
    );
  }
}
