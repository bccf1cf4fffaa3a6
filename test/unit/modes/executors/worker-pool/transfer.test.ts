/** transfer() (modes/executors/worker-pool/transfer.ts): values moved, not copied, to and from threads. */
import { describe, expect, it } from 'vitest';
import { takeTransferList } from '../../../../../modes/executors/worker-pool/transfer.ts';
import { transfer } from '../../../../../lib/index.ts';

describe('transfer()', () => {
  it('transfer() marks a value; its ArrayBuffers are found once', () => {
    const pixels = new Uint8Array(8);
    const value = transfer({ pixels, nested: [new ArrayBuffer(4)], n: 1 });
    expect(takeTransferList(value)).toHaveLength(2);
    expect(takeTransferList(value)).toBeUndefined();
    const only = new ArrayBuffer(2);
    expect(takeTransferList(transfer({ only, other: new ArrayBuffer(2) }, [only]))).toEqual([only]);
    expect(takeTransferList({ unmarked: new ArrayBuffer(2) })).toBeUndefined();
  });
});
