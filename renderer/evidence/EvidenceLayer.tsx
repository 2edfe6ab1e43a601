// App-level overlays of the evidence UI: the photo viewer over the window (when not docked) and the dispute workspace.
import { DisputeWorkspace } from './DisputeWorkspace.tsx';
import { PhotoViewer } from './PhotoViewer.tsx';
import { useEvidenceStore } from './state.ts';

export function EvidenceLayer() {
  const docked = useEvidenceStore((s) => s.viewer.docked);
  return (
    <>
      {!docked && <PhotoViewer />}
      <DisputeWorkspace />
    </>
  );
}
