import { BroadcastChannel, threadId } from 'node:worker_threads';
import type { ResourceReport } from '../../../../lib/define/executor.ts';
import type { RunLink } from '../../step-host/transport.ts';
import type { RunBroadcast } from '../protocol.ts';

/**
 * A run's link from this thread, over the run's BroadcastChannel: resource reports made
 * between the run's steps go there, the main thread's `teardown` comes from there (at the
 * end of the run), and this thread's `closed` answers it.
 */
export class RunChannel implements RunLink {
  private readonly channel: BroadcastChannel;
  private readonly runId: string;

  constructor(name: string, runId: string, teardown: (initGraceMs: number) => Promise<void>) {
    this.runId = runId;
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (event: unknown) => {
      const message = (event as { data: RunBroadcast }).data;
      if (message.type === 'teardown') void teardown(message.initGraceMs);
    };
  }

  report(report: ResourceReport): void {
    this.channel.postMessage({ type: 'report', runId: this.runId, threadId, report } satisfies RunBroadcast);
  }

  closed(): void {
    this.channel.postMessage({ type: 'closed', threadId } satisfies RunBroadcast);
    this.channel.close();
  }
}
