// One way money is written, in the UI and in main's messages alike.
export { formatMoney, isoCurrency } from '../../preload/market-words.ts';
