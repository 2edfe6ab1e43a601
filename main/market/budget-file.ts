import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BudgetMemory } from './scheduler.ts';

/** Beside the store in the data folder: which methods' budgets a 420 spent, and until when. */
export const BUDGET_FILE = 'market-budgets.json';

interface BudgetFileContent {
  /** Whose budgets these are: a fingerprint of the base URL and key (never the key), so another login starts open. */
  owner: string;
  /** Method → when its budget opens again (ISO, the app's clock). */
  spent: Record<string, string>;
}

/** Spent budgets in a small JSON file, written whole (temporary file, then rename) on each 420 that spends one. */
export function budgetFileMemory(file: string, owner: string): BudgetMemory {
  return {
    load() {
      let content: Partial<BudgetFileContent>;
      try {
        content = JSON.parse(readFileSync(file, 'utf8')) as Partial<BudgetFileContent>;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw error;
      }
      if (content.owner !== owner || !content.spent || typeof content.spent !== 'object') return {};
      const spent: Record<string, number> = {};
      for (const [method, until] of Object.entries(content.spent)) {
        const ms = typeof until === 'string' ? Date.parse(until) : NaN;
        if (Number.isFinite(ms)) spent[method] = ms;
      }
      return spent;
    },
    save(spent) {
      const content: BudgetFileContent = {
        owner,
        spent: Object.fromEntries(Object.entries(spent).map(([method, until]) => [method, new Date(until).toISOString()])),
      };
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}
