import { Component, type ReactNode } from 'react';
import { i18next } from '../i18n/index.ts';

interface Props {
  /** Names the pane in the message, so the operator knows what failed. */
  pane: string;
  children: ReactNode;
}

/** Keeps one failing pane from blanking the whole window; offers to try again. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="pane-error">
        <p>{i18next.t('common.paneFailed', { pane: this.props.pane, message: this.state.error.message })}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {i18next.t('common.tryAgain')}
        </button>
      </div>
    );
  }
}
