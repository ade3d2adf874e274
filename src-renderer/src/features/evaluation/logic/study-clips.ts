// How many test clips a new rating study gets from the videos chosen for it. Pure.

/** Test clips a study gets: what was asked for, capped to the chosen videos left after training. */
export function studyClipCount(
  asked: number,
  training: number,
  chosen: number,
): { tests: number; capped: boolean } {
  const available = Math.max(0, chosen - training);
  return { tests: Math.min(asked, available), capped: asked > available };
}
