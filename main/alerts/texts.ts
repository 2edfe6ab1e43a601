/** The alerts' words live beside the contract (preload/alert-words.ts), so the renderer writes them in its own language when it shows them. */
export { alertText, alertRecordWords, countReturns, describeReturn, formatDuration, reasonText, within, type AlertLocale } from '../../preload/alert-words.ts';
export type { AlertFacts, AlertReturnRef as ReturnRef, UndeliveredReason } from '../../preload/contract.ts';
