// App-level overlays of the evidence UI: the photo viewer and the dispute workspace.
import { DisputeWorkspace } from './DisputeWorkspace.tsx';
import { PhotoViewer } from './PhotoViewer.tsx';

export function EvidenceLayer() {
  return (
    <>
      <PhotoViewer />
      <DisputeWorkspace />
    </>
  );
}
