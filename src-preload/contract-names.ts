// Names of every call and event, free of dependencies so the sandboxed preload can bundle it.
// contract.ts checks at compile time that its schema map has exactly these keys.
// ---------- instruction pairs ----------
export const PAIRS_CALL_NAMES = [
  'pairs.list',
  'pairs.facets',
  'pairs.create',
  'pairs.update',
  'pairs.setStatus',
  'pairs.delete',
  'pairs.templates',
  'pairs.putTemplate',
  'pairs.resetTemplate',
  'pairs.preview',
  'pairs.generate',
  'pairs.export',
  'pairs.cancelExport',
  'pairs.import',
] as const;
export const PAIRS_EVENT_NAMES = ['pairs.exportProgress', 'pairs.changed'] as const;

// ---------- assistant ----------
export const ASSISTANT_CALL_NAMES = [
  'assistant.engines',
  'assistant.putEngine',
  'assistant.deleteEngine',
  'assistant.chat',
  'assistant.newChat',
  'assistant.ask',
  'assistant.cancel',
  'assistant.savePair',
  'assistant.qbenchSets',
  'assistant.qbenchStart',
  'assistant.qbenchCancel',
  'assistant.qbenchRuns',
  'assistant.qbenchAnswers',
] as const;
export const ASSISTANT_EVENT_NAMES = ['assistant.chunk', 'assistant.done', 'assistant.qbench', 'assistant.queue'] as const;

// ---------- evaluation ----------
export const EVALUATION_CALL_NAMES = [
  'eval.overview',
  'eval.compute',
  'eval.calibrate',
  'eval.cancel',
  'study.create',
  'study.session',
  'study.rate',
  'study.pause',
] as const;
export const EVALUATION_EVENT_NAMES = ['eval.progress', 'study.changed'] as const;

// ---------- in-process models ----------
export const MODELS_CALL_NAMES = ['models.list', 'models.add', 'models.remove'] as const;

// ---------- all ----------
export const CALL_NAMES = [
  'app.info',
  'project.create',
  'project.open',
  'project.close',
  'project.current',
  'project.recent',
  'project.forgetRecent',
  'library.list',
  'library.ids',
  'library.facets',
  'library.import',
  'library.cancelImport',
  'library.remove',
  'fs.listDir',
  'score.scorers',
  'score.start',
  'jobs.list',
  'jobs.cancel',
  'video.scores',
  'library.sparklines',
  'library.neighbors',
  'library.runs',
  'settings.get',
  'settings.set',
  'annotations.list',
  'annotations.put',
  'annotations.delete',
  'annotations.restore',
  'media.info',
  'media.makeProxy',
  'media.thumbStrip',
  ...PAIRS_CALL_NAMES,
  ...ASSISTANT_CALL_NAMES,
  ...EVALUATION_CALL_NAMES,
  ...MODELS_CALL_NAMES,
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const EVENT_NAMES = [
  'import.progress',
  'import.done',
  'library.changed',
  'project.changed',
  'job.progress',
  'proxy.progress',
  'annotations.changed',
  ...PAIRS_EVENT_NAMES,
  ...ASSISTANT_EVENT_NAMES,
  ...EVALUATION_EVENT_NAMES,
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
