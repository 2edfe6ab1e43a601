import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../state/store.ts';

/** Shows what crossed the bridge: application info and a ping with its event stream. */
export function Diagnostics() {
  const { bridge, info, pongs, reportError } = useAppStore(
    useShallow((s) => ({ bridge: s.bridge, info: s.info, pongs: s.pongs, reportError: s.reportError })),
  );
  const [echo, setEcho] = useState<string | null>(null);

  const ping = async () => {
    if (!bridge) return;
    const result = await bridge.app.ping({ text: 'hello from the renderer', count: 3 });
    if (result.ok) setEcho(`${result.value.text} — received ${new Date(result.value.receivedAt).toLocaleTimeString()}`);
    else reportError('Ping', result.error);
  };

  return (
    <section aria-labelledby="diag-title" className="card">
      <h2 id="diag-title">Connection</h2>
      {info ? (
        <dl className="facts" data-testid="app-info">
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Mode</dt>
          <dd data-testid="app-mode">{info.mode === 'demo' ? 'Demo (built-in sandbox)' : 'Live'}</dd>
          <dt>Transport</dt>
          <dd data-testid="app-transport">{info.transport === 'ipc' ? 'Desktop (IPC)' : 'Web (WebSocket)'}</dd>
          <dt>Market API</dt>
          <dd>{info.apiHost}</dd>
          <dt>Data folder</dt>
          <dd className="mono">{info.dataDir}</dd>
          <dt>Runtime</dt>
          <dd>
            Node {info.versions.node}
            {info.versions.electron ? `, Electron ${info.versions.electron}` : ''}
          </dd>
        </dl>
      ) : (
        <p>Waiting for ReturnDesk…</p>
      )}
      <button type="button" onClick={() => void ping()} disabled={!bridge}>
        Ping
      </button>
      {echo && <p data-testid="ping-echo">{echo}</p>}
      <ol className="pongs" data-testid="pongs" aria-label="Events received">
        {pongs.map((p, i) => (
          <li key={i}>
            event #{p.seq}: {p.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
