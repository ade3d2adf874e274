// Model scores against MOS, study statistics and rating studies (issue 8).
import type { ProjectInfo } from '../../../../src-preload/contract';
import type { OpenVideo } from '../../lib/open-video';

export interface EvaluationViewProps {
  project: ProjectInfo;
  onBack(): void;
  onOpenVideo: OpenVideo;
}

export function EvaluationView({ project, onBack }: EvaluationViewProps) {
  return (
    <div className="overlay-view" data-testid="evaluation-view">
      <header className="app-header">
        <button type="button" data-testid="evaluation-back" onClick={onBack}>
          ← Library
        </button>
        <h1 className="project-name">Evaluation — {project.name}</h1>
      </header>
    </div>
  );
}
