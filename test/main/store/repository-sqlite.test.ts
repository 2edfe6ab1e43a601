import { openStore } from '../../../main/store/store.ts';
import { repositorySuite } from './repository.suite.ts';

repositorySuite('SQLite', () => {
  const store = openStore(':memory:');
  return {
    campaigns: store,
    returns: store,
    orders: store,
    decisionOptions: store,
    syncState: store,
    alertMarks: store.alertMarks,
    alertHistory: store.alertHistory,
    chatWatch: store.chatWatch,
    media: store.media,
    analytics: store.analytics,
    orderMoney: store.orderMoney,
    close: () => store.close(),
  };
});
