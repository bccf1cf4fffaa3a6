import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, execute, mode, pipeline, resource, solid } from '../../../lib/index.ts';
import { formatConfigError } from '../../../lib/cli/report-error.ts';
import { makeStyle } from '../../../lib/cli/style.ts';
import { rejectionOf } from '../../helpers/index.ts';

describe("formatConfigError (the CLI's invalid-config report)", () => {
  it("adds the valid keys under an unknown key whose message (the schema's own) does not name them", async () => {
    const api = resource({
      config: z.strictObject({ url: z.string(), timeoutMs: z.number().optional() }, { error: () => 'not a field of the API config' }),
      init: () => 1,
    });
    const p = pipeline({
      name: 'p',
      modes: [mode({ resources: { api }, loggers: {} })],
      graph: () => {
        solid({ name: 's', resources: ['api'], compute: () => 1 })();
      },
    });
    const error = (await rejectionOf(
      execute(p, { runConfig: { resources: { api: { config: { url: 'u', timeout: 1 } } } } }),
    )) as InvalidConfigError;
    expect(error.issues).toEqual([{ path: ['resources', 'api', 'config', 'timeout'], message: 'not a field of the API config' }]);
    const text = formatConfigError(error.issues, { pipeline: p }, makeStyle(false));
    expect(text).toContain(
      '  - resources.api.config.timeout: not a field of the API config\n      valid keys at resources.api.config: url, timeoutMs\n',
    );
  });
});
