// Names of every event, free of dependencies so the sandboxed preload bundles no schema library.
// contract.ts checks at compile time that its Events interface has exactly these keys. Call names
// have no list of their own: they are the keys of the contract's `calls` map (CALL_NAMES there).
export const PAIRS_EVENT_NAMES = ['pairs.exportProgress', 'pairs.changed'] as const;
export const ASSISTANT_EVENT_NAMES = [
  'assistant.chunk',
  'assistant.done',
  'assistant.qbench',
  'assistant.queue',
] as const;
export const EVALUATION_EVENT_NAMES = ['eval.progress', 'study.changed'] as const;

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
