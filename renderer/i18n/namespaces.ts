// Every namespace of the page: the app's own (`translation`, keys without a prefix), its screens', and those it shares with main.
import { sharedNamespaces, type Namespace } from '../../locales/index.ts';
import { analytics } from './analytics.ts';
import { en } from './en.ts';
import { evidence } from './evidence.ts';
import { ru } from './ru.ts';

export const namespaces = { translation: { en, ru }, evidence, analytics, ...sharedNamespaces } satisfies Record<string, Namespace>;
