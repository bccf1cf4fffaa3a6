/**
 * The queue executor's last line of defence for `{ env: NAME }` values: a step request
 * about to be enqueued that still holds a string the run read from the environment (as
 * written or URL-encoded, in a value or an object key, at any depth) is not sent, since
 * everything enqueued sits in Redis. The positions that held references are sent as written
 * (`StepRequest.envSources`); a value that reaches a step some other way is caught here.
 */
import { makeRedactor, type Redactor } from '../../../../lib/config/redact.ts';
import { ModeflowError } from '../../../../lib/errors.ts';
import type { QueueStepRequest } from '../protocol.ts';

/** Finds secrets in step requests; made once per run, and only when the run read any. */
export class SecretGuard {
  private readonly redact: Redactor;

  constructor(secrets: readonly string[]) {
    this.redact = makeRedactor(secrets);
  }

  /**
   * Throws when `request` holds a secret in its config, inputs or resource configs, naming
   * the step, its solid and where (`config.token`, `inputs.since`, `resourceConfigs.db.url`).
   */
  check(request: QueueStepRequest): void {
    const where =
      this.find(request.config, 'config') ??
      this.findIn(request.inputs, 'inputs') ??
      this.findIn(request.resourceConfigs, 'resourceConfigs');
    if (where === undefined) return;
    throw Object.assign(
      new ModeflowError(
        `step ${request.stepKey} (solid "${request.solid}") was not sent to the queue: its ${where} holds a value read from ` +
          `{ env: NAME }, and the queue executor keeps such values out of Redis (workers read the environment themselves). ` +
          `It reached the step other than as written: write the { env: NAME } reference where the value is used (the solid's ` +
          `own config or inputs, a composite's inputs or the config its configMapping reads), not in what a mapping gives a ` +
          `nested composite's inputs, nor through code; or run this step with an executor that stays in this process`,
      ),
      { solid: request.solid, stepKey: request.stepKey },
    );
  }

  private findIn(record: Readonly<Record<string, unknown>>, at: string): string | undefined {
    for (const key of Object.keys(record)) {
      const found = this.find(record[key], `${at}.${this.shown(key)}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Where in `value` (at `at`) a secret is, walking what v8 serialisation sends: objects, arrays, Maps, Sets, errors. */
  private find(value: unknown, at: string): string | undefined {
    const stack: [unknown, string][] = [[value, at]];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const [item, path] = stack.pop()!;
      if (typeof item === 'string') {
        if (this.redact(item) !== item) return path;
        continue;
      }
      if (typeof item !== 'object' || item === null || seen.has(item)) continue;
      seen.add(item);
      if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer) continue;
      if (item instanceof Map) {
        let i = 0;
        for (const [k, v] of item) {
          stack.push([k, `${path}.<key ${i}>`], [v, `${path}.<value ${i}>`]);
          i++;
        }
        continue;
      }
      if (item instanceof Set) {
        let i = 0;
        for (const v of item) stack.push([v, `${path}.<item ${i++}>`]);
        continue;
      }
      if (item instanceof Error) stack.push([item.message, `${path}.message`], [item.stack, `${path}.stack`]);
      for (const key of Object.keys(item)) {
        if (this.redact(key) !== key) return `${path} (an object key)`;
        stack.push([(item as Record<string, unknown>)[key], `${path}.${key}`]);
      }
    }
    return undefined;
  }

  private shown(key: string): string {
    return this.redact(key);
  }
}
