// The returns an order write shows in (main names them to the screens as rowsOnly changes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReturnDTO } from '../../../main/market/schemas.ts';
import { openStore, type Store } from '../../../main/store/store.ts';

const T0 = Date.UTC(2025, 0, 15, 9, 0);
const dto = (id: number, orderId: number) => ({ id, orderId, returnType: 'RETURN', items: [{ shopSku: 'A', count: 1 }] }) as unknown as ReturnDTO;

describe('the returns of orders', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-return-ids-of-orders-'));
    store = openStore(join(dir, 'returndesk.sqlite'));
    store.upsertCampaigns([{ id: 1, placementType: 'FBS' } as never], T0);
    // Order 10 has two returns; order 20 one; order 30 none stored.
    store.transaction(() => store.upsertReturns(1, [dto(1, 10), dto(2, 10), dto(3, 20)], T0));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are every stored return of each order, once, and none for an order without one', () => {
    expect(store.returnIdsOfOrders([10, 30, 10]).sort()).toEqual([1, 2]);
    expect(store.returnIdsOfOrders([20, 10]).sort()).toEqual([1, 2, 3]);
    expect(store.returnIdsOfOrders([30])).toEqual([]);
    expect(store.returnIdsOfOrders([])).toEqual([]);
  });
});
