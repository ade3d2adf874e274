/** Open a video in the review view, optionally at a time (seconds) — e.g. a pair's range start. */
export type OpenVideo = (videoId: number, atSec?: number) => void;
