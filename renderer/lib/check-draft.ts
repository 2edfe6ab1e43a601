/** The draft rules shared with main (preload/decision-rules.ts): the form shows exactly what main would refuse. */
export { checkDraft, compensationMax, describeRule } from '../../preload/decision-rules.ts';
