// The balance of stored orders, for one order (the return pane) or many (analytics), from what the store keeps.
import type { OrderBalance } from '../../preload/contract.ts';
import type { OrderMoneyRepository } from '../store/repositories.ts';
import { orderBalance } from '../market/money.ts';

/** The balance of each of `orderIds` (every one gets an entry, stored or not), from the local store. */
export function orderBalances(store: OrderMoneyRepository<'sync'>, orderIds: readonly number[]): Map<number, OrderBalance> {
  const out = new Map<number, OrderBalance>();
  for (const [id, facts] of store.balanceFacts(orderIds)) out.set(id, orderBalance(facts.order, facts.returns));
  return out;
}
