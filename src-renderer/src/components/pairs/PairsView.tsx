// Instruction pairs of the project: templates, pair table, editor, export and import (issue 6).
import type { ProjectInfo } from '../../../../src-preload/contract';
import type { OpenVideo } from '../../lib/open-video';

export interface PairsViewProps {
  project: ProjectInfo;
  onBack(): void;
  onOpenVideo: OpenVideo;
}

export function PairsView({ project, onBack }: PairsViewProps) {
  return (
    <div className="overlay-view" data-testid="pairs-view">
      <header className="app-header">
        <button type="button" data-testid="pairs-back" onClick={onBack}>
          ← Library
        </button>
        <h1 className="project-name">Instruction pairs — {project.name}</h1>
      </header>
    </div>
  );
}
