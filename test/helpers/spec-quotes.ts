// The Market's own words for the money, statuses and limits ReturnDesk interprets, quoted beside the
// assertions that rely on them; test/sandbox/spec-quotes.test.ts checks each against the reference.
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The official OpenAPI and guide, beside the repo (RETURNDESK_OPENAPI_DIR points at the OpenAPI's folder). */
export const OPENAPI_DIR = process.env.RETURNDESK_OPENAPI_DIR ?? path.resolve(repoRoot, '../shared/reference/yandex-market-openapi/openapi');
export const GUIDE_DIR = path.resolve(OPENAPI_DIR, '../../partner-api-docs');
export const HAVE_REFERENCE = existsSync(path.join(OPENAPI_DIR, 'openapi.yaml')) && existsSync(GUIDE_DIR);

interface Quote {
  /** Relative to the OpenAPI folder, or to the guide's folder when it starts with `guide/`. */
  file: string;
  text: string;
}

export const SPEC = {
  itemPriceTotal: {
    file: 'components/schemas/ItemPriceDTO.yaml',
    text: 'Если в заказе несколько единиц товаров, в параметрах возвращается суммарное значение.',
  },
  itemPaymentAllUnits: { file: 'components/schemas/ItemPriceDTO.yaml', text: 'Общая стоимость всех единиц товара.' },
  itemCostParts: { file: 'components/schemas/ItemPriceDTO.yaml', text: 'Стоимость всех единиц товара складывается из параметров `payment` и `cashback`.' },
  itemSubsidy: { file: 'components/schemas/ItemPriceDTO.yaml', text: 'Общая сумма вознаграждений продавцу возвращается в параметре `subsidy`.' },
  orderCostParts: { file: 'components/schemas/OrderPriceDTO.yaml', text: 'Стоимость товаров в заказе складывается из параметров `payment` и `cashback`.' },
  orderCashback: { file: 'components/schemas/OrderPriceDTO.yaml', text: 'Сумма, которая оплачена баллами Плюса.' },
  returnAmount: { file: 'components/schemas/ReturnDTO.yaml', text: 'Сумма возврата.' },
  refundAmountKopecks: { file: 'components/schemas/ReturnDTO.yaml', text: 'Сумма возврата в копейках.' },
  shippingCompensation: { file: 'components/schemas/ReturnDecisionDTO.yaml', text: 'Компенсация за обратную доставку.' },
  maxPercentOfPosition: {
    file: 'components/schemas/PartialCompensationBoundsDTO.yaml',
    text: 'Верхний предел доли суммы позиции, которую можно компенсировать (в процентах).',
  },
  compensationPerPosition: { file: 'components/schemas/ReturnItemDecisionDTO.yaml', text: 'Сумма добровольной компенсации по позиции возврата.' },
  commentAsks: { file: 'components/schemas/ReturnItemDecisionComment.yaml', text: 'Комментарий к решению. Укажите:' },
  subtractRefunds: { file: 'guide/step-by-step/returns.md', text: 'To calculate correctly, subtract from _the cost of the order_ _refund amount_.' },
  notificationOnlyChanged: { file: 'guide/push-notifications/reference/sendNotification.md', text: 'Only the status that was changed is returned.' },
  notificationNonPurchase: { file: 'guide/push-notifications/reference/sendNotification.md', text: 'For non-purchases, only `shipmentStatus`.' },
  tokensPerCabinet: { file: 'guide/concepts/api-key.md', text: 'The maximum number of tokens for the cabinet is 30.' },
} as const satisfies Record<string, Quote>;

export type SpecQuote = keyof typeof SPEC;

/** "ItemPriceDTO.yaml: «…»" — for assertion messages, so a failure says what the spec meant. */
export function quote(key: SpecQuote): string {
  const q = SPEC[key];
  return `${path.basename(q.file)}: «${q.text}»`;
}

/** The absolute path of a quoted file. */
export function referenceFile(file: string): string {
  return file.startsWith('guide/') ? path.join(GUIDE_DIR, file.slice('guide/'.length)) : path.join(OPENAPI_DIR, file);
}
