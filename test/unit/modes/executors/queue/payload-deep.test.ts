/** A step request nested too deeply for v8 serialisation (modes/executors/queue/payload.ts) fails its step saying so. */
import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../../../../modes/executors/queue/payload.ts';
import type { QueueStepRequest } from '../../../../../modes/executors/queue/protocol.ts';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const request = (part: Partial<QueueStepRequest>) =>
  ({
    solid: 'configured',
    stepKey: 'configured',
    inputs: {},
    config: {},
    resourceConfigs: {},
    maxPayloadBytes: 1e9,
    ...part,
  }) as QueueStepRequest;

describe('queue payload nested too deeply', () => {
  it('names the config of a solid nested 10,000 levels deep, and why', () => {
    expect(() => encodeRequest(request({ config: { anything: nested(10_000) } }))).toThrow(
      /the config of solid "configured" \(step configured\).*cannot be sent to a queue worker: it is nested too deeply/,
    );
  });

  it('names an input nested 10,000 levels deep', () => {
    expect(() => encodeRequest(request({ inputs: { value: nested(10_000) } }))).toThrow(
      /input "value" of solid "configured" \(step configured\) cannot be sent to a queue worker: it is nested too deeply/,
    );
  });
});
