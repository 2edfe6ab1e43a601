// Every quote the tests put beside an assertion is the reference's own words, and the structural facts
// the sandbox follows (required fields, truncated limits, which models a method serves) are the spec's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HAVE_REFERENCE, OPENAPI_DIR, SPEC, referenceFile } from '../helpers/spec-quotes.ts';

if (!HAVE_REFERENCE && process.env.CI === 'true') throw new Error(`The Market's reference is missing at ${OPENAPI_DIR}; CI must check the quotes against it`);

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Every string of a YAML document (descriptions are folded or literal blocks). */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

const yaml = (file: string): Record<string, unknown> => parse(readFileSync(referenceFile(file), 'utf8')) as Record<string, unknown>;

describe.skipIf(!HAVE_REFERENCE)(HAVE_REFERENCE ? 'the quoted words are the reference’s' : `SKIPPED — the reference is not at ${OPENAPI_DIR}`, () => {
  for (const [key, q] of Object.entries(SPEC)) {
    it(`${key}: ${q.file}`, () => {
      const text = q.file.endsWith('.md') ? [readFileSync(referenceFile(q.file), 'utf8')] : strings(yaml(q.file));
      expect(
        text.map(squash).some((s) => s.includes(squash(q.text))),
        `«${q.text}» in ${q.file}`,
      ).toBe(true);
    });
  }

  it('a decision needs only returnItemId and decisionType: comment and reason are not required fields', () => {
    expect(yaml('components/schemas/ReturnItemDecisionDTO.yaml').required).toEqual(['returnItemId', 'decisionType']);
    // …but the Market has an error code for a decline without a reason, so the sandbox requires one.
    expect(yaml('components/schemas/ApiErrorCodeType.yaml').enum).toContain('DECLINE_REASON_ARE_REQUIRED_ERROR');
  });

  it('getReturns, getBusinessOrders and offer-mappings truncate limit to their maximum; getChats refuses above 20', () => {
    const limitOf = (pathFile: string): Record<string, unknown> => {
      const op = Object.values(yaml(`paths/${pathFile}`))[0] as { parameters: Array<{ $ref?: string }> };
      const ref = op.parameters.map((p) => p.$ref ?? '').find((r) => /PageLimit/.test(r)) ?? '';
      return yaml(`components/parameters/${ref.split('/').pop()}`);
    };
    const returns = limitOf('v2_campaigns_campaignId_returns.yaml');
    expect(returns['x-transform']).toBe('truncateLimit');
    expect((returns.schema as { maximum: number }).maximum).toBe(100);
    const orders = limitOf('v1_businesses_businessId_orders.yaml');
    expect(orders['x-transform']).toBe('truncateLimit');
    expect((orders.schema as { maximum: number }).maximum).toBe(50);
    expect(limitOf('v2_businesses_businessId_offer-mappings.yaml')['x-transform']).toBe('truncateLimit');
    const chats = limitOf('v2_businesses_businessId_chats.yaml');
    expect(chats['x-transform']).toBeUndefined();
    expect((chats.schema as { maximum: number }).maximum).toBe(20);
  });

  it('setReturnDecision serves DBS stores only; submitReturnDecision every model', () => {
    const tags = (file: string): string[] => (yaml(`paths/${file}`).post as { tags: string[] }).tags;
    expect(tags('v2_campaigns_campaignId_orders_orderId_returns_returnId_decision.yaml')).toEqual(['returns', 'dbs']);
    expect(tags('v2_campaigns_campaignId_orders_orderId_returns_returnId_decision_submit.yaml')).toEqual(
      expect.arrayContaining(['dbs', 'fbs', 'express', 'fby']),
    );
  });
});
