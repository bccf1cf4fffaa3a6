import { z } from 'zod';
import { failureHook, resource } from 'modeflow';

/** Where alerts go: a chat channel, a pager. */
export interface Alerts {
  /** Sends one alert; rejects when it could not be delivered. */
  send(text: string): Promise<void>;
}

declare module 'modeflow' {
  interface Resources {
    alerts: Alerts;
  }
}

/**
 * Alerts posted to a chat webhook as `{ "text": … }` (the JSON Slack's and Mattermost's
 * incoming webhooks take). Without `webhookUrl` they are written to the run's log at
 * `error` level instead, so that a mode can use it before it has a channel.
 */
export const webhookAlerts = resource({
  description: 'alerts posted to a chat webhook ({ "text": … }); without webhookUrl, written to the log',
  config: z.object({ webhookUrl: z.url().optional() }),
  init: ({ config, log }): Alerts => ({
    send: async (text) => {
      if (config.webhookUrl === undefined) {
        log.error({ alert: text }, 'alert (no webhookUrl configured)');
        return;
      }
      const response = await fetch(config.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      if (!response.ok) throw new Error(`the alert webhook answered ${response.status} ${response.statusText}`);
    },
  }),
});

/**
 * After a step fails (its retries used up), sends an alert naming pipeline, mode, step and
 * error. Attached by the `prod` mode only: local runs fail quietly.
 */
export const alertOnFailure = failureHook({
  name: 'alert_on_failure',
  description: 'sends an alert when a step fails',
  resources: ['alerts'],
  fn: (ctx) =>
    ctx.resources.alerts.send(`${ctx.pipelineName} (${ctx.mode}): step ${ctx.stepKey} failed: ${ctx.error.message} — run ${ctx.runId}`),
});
