// Words of the evidence UI (photos, viewer, application, chats, disputes), in both languages.
import { useI18n } from '../i18n/index.ts';

const en = {
  section: 'Photos and documents',
  photosOf: 'Buyer photos',
  photoCount: '{{count}} photo(s)',
  photosShown: '{{shown}} of {{count}} photos shown',
  morePhotos: '{{count}} more photos: open the viewer',
  compareCatalog: 'Compare with the catalogue picture',
  noCatalog: 'No catalogue picture of this item: compared with the next photo.',
  dock: 'Dock beside the decision',
  undock: 'Undock',
  documents: 'Application, chats and evidence pack',
  loaded: '{{done}} of {{count}} loaded',
  noPhotos: 'No photos',
  broken: 'Cannot show',
  problem_notAnImage: 'Not an image',
  problem_truncated: 'File cut short',
  problem_tooLarge: 'Over 50 MB',
  problem_notAPdf: 'Not a PDF',
  problem_unavailable: 'Market unreachable',
  problem_notFound: 'Not found',
  openViewer: 'Open photo {{n}} of {{item}}',
  compare: 'Compare side by side',
  viewer: 'Photo viewer',
  panes: 'Panes',
  sync: 'Sync zoom',
  fit: 'Fit',
  oneToOne: '1:1',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  rotate: 'Rotate',
  fullScreen: 'Full screen',
  close: 'Close',
  catalog: 'Catalogue picture',
  photoN: 'Photo {{n}}',
  pane: 'Pane {{n}}',
  choosePhoto: 'Photo in pane {{n}}',
  keys: '←/→ photo · +/− zoom · 0 fit · 1 one-to-one · R rotate · S sync · F full screen · Esc close',
  application: 'Return application',
  applicationNone: 'Non-purchases have no application.',
  showApplication: 'Show application',
  hideApplication: 'Hide application',
  saveAs: 'Save as…',
  download: 'Download PDF',
  retry: 'Retry',
  pdfFailed: 'The application could not be shown: {{reason}}',
  page: 'Page {{n}} of {{count}}',
  saved: 'Saved: {{path}}',
  chats: 'Chats',
  chatsUnsupported: 'Chats about returns exist for FBY, FBS and Express stores only.',
  openChat: 'Open chat with the buyer',
  noMessages: 'No messages yet.',
  send: 'Send',
  messagePlaceholder: 'Message to the buyer',
  attachPhoto: 'Attach photo',
  arbitrage: 'Arbitrage (dispute)',
  buyerChat: 'Chat with the buyer',
  disputes: 'Disputes',
  disputeWorkspace: 'Dispute workspace',
  disputeBanner: 'This return is in dispute: the Market arbiter decides. Answer in the arbitrage chat.',
  noDisputes: 'No returns are in dispute.',
  savePack: 'Save evidence pack',
  savePackHere: 'Make the evidence pack (ZIP)',
  packDownload: 'Download the ZIP',
  packSaved: 'Evidence pack saved to {{folder}} ({{count}} files)',
  packMissing: 'Not included: {{list}}',
  openReturn: 'Open return',
  returnN: 'Return {{id}}',
  loading: 'Loading…',
  offline: 'Offline',
};

type Key = keyof typeof en;

const ru: Record<Key, string> = {
  section: 'Фото и документы',
  photosOf: 'Фото покупателя',
  photoCount: 'Фото: {{count}}',
  photosShown: 'Показано {{shown}} из {{count}} фото',
  morePhotos: 'Ещё {{count}} фото: открыть просмотр',
  compareCatalog: 'Сравнить с фото из каталога',
  noCatalog: 'Фото этого товара в каталоге нет: сравнение со следующим фото покупателя.',
  dock: 'Закрепить рядом с решением',
  undock: 'Открепить',
  documents: 'Заявление, чаты и пакет доказательств',
  loaded: 'загружено {{done}} из {{count}}',
  noPhotos: 'Нет фото',
  broken: 'Не показать',
  problem_notAnImage: 'Не изображение',
  problem_truncated: 'Файл обрезан',
  problem_tooLarge: 'Больше 50 МБ',
  problem_notAPdf: 'Не PDF',
  problem_unavailable: 'Маркет недоступен',
  problem_notFound: 'Не найдено',
  openViewer: 'Открыть фото {{n}} товара {{item}}',
  compare: 'Сравнить рядом',
  viewer: 'Просмотр фото',
  panes: 'Панели',
  sync: 'Синхронный зум',
  fit: 'Вписать',
  oneToOne: '1:1',
  zoomIn: 'Увеличить',
  zoomOut: 'Уменьшить',
  rotate: 'Повернуть',
  fullScreen: 'Во весь экран',
  close: 'Закрыть',
  catalog: 'Фото из каталога',
  photoN: 'Фото {{n}}',
  pane: 'Панель {{n}}',
  choosePhoto: 'Фото в панели {{n}}',
  keys: '←/→ фото · +/− зум · 0 вписать · 1 один к одному · R поворот · S синхронно · F весь экран · Esc закрыть',
  application: 'Заявление на возврат',
  applicationNone: 'У невыкупа нет заявления.',
  showApplication: 'Показать заявление',
  hideApplication: 'Скрыть заявление',
  saveAs: 'Сохранить как…',
  download: 'Скачать PDF',
  retry: 'Повторить',
  pdfFailed: 'Заявление не удалось показать: {{reason}}',
  page: 'Страница {{n}} из {{count}}',
  saved: 'Сохранено: {{path}}',
  chats: 'Чаты',
  chatsUnsupported: 'Чаты по возвратам есть только у магазинов FBY, FBS и Экспресс.',
  openChat: 'Открыть чат с покупателем',
  noMessages: 'Сообщений пока нет.',
  send: 'Отправить',
  messagePlaceholder: 'Сообщение покупателю',
  attachPhoto: 'Приложить фото',
  arbitrage: 'Арбитраж (спор)',
  buyerChat: 'Чат с покупателем',
  disputes: 'Споры',
  disputeWorkspace: 'Споры: рабочее место',
  disputeBanner: 'По возврату открыт спор: решает арбитр Маркета. Отвечайте в арбитражном чате.',
  noDisputes: 'Споров нет.',
  savePack: 'Сохранить пакет доказательств',
  savePackHere: 'Собрать пакет доказательств (ZIP)',
  packDownload: 'Скачать ZIP',
  packSaved: 'Пакет доказательств сохранён в {{folder}} (файлов: {{count}})',
  packMissing: 'Не вошло: {{list}}',
  openReturn: 'Открыть возврат',
  returnN: 'Возврат {{id}}',
  loading: 'Загрузка…',
  offline: 'Нет связи',
};

export type EvidenceTextKey = Key;

/** t() for the evidence UI in the operator's language. */
export function useEvidenceText(): { et: (key: Key, params?: Record<string, string | number>) => string; locale: 'ru' | 'en' } {
  const { locale } = useI18n();
  const dict = locale === 'ru' ? ru : en;
  const et = (key: Key, params: Record<string, string | number> = {}): string =>
    dict[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
  return { et, locale };
}

/** The short name of a media problem. */
export function problemKey(problem: string | null): Key {
  switch (problem) {
    case 'not-an-image':
      return 'problem_notAnImage';
    case 'truncated':
      return 'problem_truncated';
    case 'too-large':
      return 'problem_tooLarge';
    case 'not-a-pdf':
      return 'problem_notAPdf';
    case 'unavailable':
      return 'problem_unavailable';
    default:
      return 'problem_notFound';
  }
}

/** "4000×3000 · JPEG · 3.9 MB" */
export function describeFile(file: { width: number | null; height: number | null; mime: string; size: number }, locale: 'ru' | 'en'): string {
  const type = file.mime === 'image/jpeg' ? 'JPEG' : file.mime === 'image/png' ? 'PNG' : file.mime === 'application/pdf' ? 'PDF' : file.mime;
  const mb = file.size / 1048576;
  const size =
    mb >= 1
      ? `${mb.toLocaleString(locale, { maximumFractionDigits: 1 })} ${locale === 'ru' ? 'МБ' : 'MB'}`
      : `${Math.max(1, Math.round(file.size / 1024))} ${locale === 'ru' ? 'КБ' : 'KB'}`;
  return [file.width && file.height ? `${file.width}×${file.height}` : null, type, size].filter(Boolean).join(' · ');
}
