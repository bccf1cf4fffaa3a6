/** A pipeline's graph by level: the top, and each composite invocation's own. */
import type { CompositeNode, GraphNode } from './graph.ts';
import type { Pipeline } from './pipeline.ts';

/**
 * The invocations of each level of `pipeline`'s graph, in call order: solids under the
 * composite they are in, composites under their parent; `undefined` is the top level.
 * A fresh map each call (callers may sort or consume its lists).
 *
 * @example
 * membersByLevel(p).get('outer'); // [outer.a (a solid), outer.inner (a composite)]
 */
export function membersByLevel(pipeline: Pipeline): Map<string | undefined, (GraphNode | CompositeNode)[]> {
  const members = new Map<string | undefined, (GraphNode | CompositeNode)[]>();
  const add = (level: string | undefined, member: GraphNode | CompositeNode) => {
    const list = members.get(level);
    if (list) list.push(member);
    else members.set(level, [member]);
  };
  for (const node of pipeline.nodes) add(node.composite, node);
  for (const group of pipeline.composites) add(group.parent, group);
  return members;
}
