// ffmpeg output options that write a short clip in each container the import recognises,
// by file extension: the container tests generate their fixtures from one table.
export const CONTAINER_RECIPES: Readonly<Record<string, readonly string[]>> = {
  mp4: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mov: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mkv: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  webm: ['-c:v', 'libvpx-vp9'],
  avi: ['-c:v', 'mpeg4'],
  wmv: ['-c:v', 'wmv2', '-f', 'asf'],
  ts: ['-c:v', 'mpeg2video', '-f', 'mpegts'],
  m2ts: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mpegts'],
  vob: ['-c:v', 'mpeg2video', '-f', 'vob'],
  '3g2': ['-c:v', 'h263', '-s', '176x144', '-f', '3g2'],
  f4v: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'f4v'],
  mxf: ['-c:v', 'mpeg2video', '-r', '25', '-b:v', '2M', '-f', 'mxf'],
  dv: ['-c:v', 'dvvideo', '-s', '720x576', '-r', '25', '-pix_fmt', 'yuv420p', '-f', 'dv'],
  nut: ['-c:v', 'ffv1', '-f', 'nut'],
  ivf: ['-c:v', 'libvpx', '-f', 'ivf'],
  rm: ['-c:v', 'rv20', '-s', '176x144', '-f', 'rm'],
  ogv: ['-c:v', 'libtheora', '-f', 'ogg'],
  asf: ['-c:v', 'wmv2', '-f', 'asf'],
  mts: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mpegts'],
  ogm: ['-c:v', 'libtheora', '-f', 'ogg'],
  divx: ['-c:v', 'mpeg4', '-f', 'avi'],
};

/** The recipes for these extensions, in this order. */
export function recipes(exts: readonly string[]): Record<string, readonly string[]> {
  return Object.fromEntries(exts.map((e) => [e, CONTAINER_RECIPES[e]!]));
}
