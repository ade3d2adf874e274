// Starts ffmpeg and ffprobe from a small helper process instead of from the studio's own process.
//
// Why: on Linux a child process is started with fork(), which marks every page of the parent
// copy-on-write until the child has exec'd; every page the parent writes afterwards takes a page
// fault. The studio's process holds ONNX Runtime's arena (the scorer's model runs in a worker
// thread of this process), so the first model run after each ffmpeg start took ~7,000 faults and
// ~115 ms instead of ~25 ms on a 2-core VM: a cost paid once per video, which for short clips is
// as much as scoring them. Forking from a helper of a few MB costs nothing of the sort.
//
// How: the helper (plain Node, started once, on demand) gets "spawn" requests over IPC. For each
// output it connects a Unix socket to a server of this process, announces itself with one line
// (request id and fd), and gives the socket to the child as that fd; ffmpeg writes to it as it
// would to a pipe, and its bytes never pass through the helper. The helper reports the pid and the
// exit over IPC. This process signals the child directly by pid.
//
// Elsewhere (other platforms, VQA2_LOCAL_SPAWN=1, or when the helper cannot be started or has
// died), children are started the usual way: the same interface, the same streams.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';

/** What callers use of a child: its output streams by fd, pid, exit code, kill; 'error', 'close'. */
export interface MediaChild extends EventEmitter {
  /** Output streams by fd (1 = stdout, 2 = stderr, 3.. = extra outputs); null where not piped. */
  readonly stdio: readonly (Readable | null)[];
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  kill(signal?: NodeJS.Signals): boolean;
}

const HELPER_SOURCE = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const address = '\\0' + process.env.VQA2_SPAWNER_SOCKET;
const token = process.env.VQA2_SPAWNER_TOKEN;
delete process.env.VQA2_SPAWNER_TOKEN; // not handed on to ffmpeg
const kids = new Map();
process.on('disconnect', () => {
  for (const c of kids.values()) { try { c.kill('SIGKILL'); } catch {} }
  process.exit(0);
});
const open = (id, fd) => new Promise((resolve, reject) => {
  const s = net.connect(address);
  s.once('error', reject);
  s.once('connect', () => s.write(JSON.stringify({ id, fd, token }) + '\\n', (e) => (e ? reject(e) : resolve(s))));
});
process.on('message', async (m) => {
  if (m.kind !== 'spawn') return;
  let sockets = [];
  try {
    sockets = await Promise.all(m.fds.map((fd) => open(m.id, fd)));
    const stdio = ['ignore'];
    for (let fd = 1; fd <= Math.max(...m.fds); fd++) {
      const i = m.fds.indexOf(fd);
      stdio.push(i >= 0 ? sockets[i] : 'ignore');
    }
    const c = spawn(m.cmd, m.args, { stdio });
    kids.set(m.id, c);
    c.once('spawn', () => process.send({ kind: 'spawned', id: m.id, pid: c.pid }));
    c.once('error', (e) => {
      kids.delete(m.id);
      process.send({ kind: 'error', id: m.id, code: e.code, message: e.message });
    });
    c.once('exit', (code, signal) => {
      kids.delete(m.id);
      process.send({ kind: 'exit', id: m.id, code, signal });
    });
  } catch (e) {
    process.send({ kind: 'error', id: m.id, message: String((e && e.message) || e) });
  } finally {
    // the child holds its own copies; ours would keep the streams open after it exits
    for (const s of sockets) s.destroy();
  }
});
`;

interface HelperMessage {
  kind: 'spawned' | 'error' | 'exit';
  id: number;
  pid?: number;
  code?: number | string | null;
  signal?: NodeJS.Signals | null;
  message?: string;
}

/** A start that failed in the helper, with the system's code (ENOENT, EACCES…) as Node gives it. */
class HelperSpawnError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'HelperSpawnError';
  }
}

/** A child started by the helper. Streams exist from the start; sockets are piped in as they come. */
class RemoteChild extends EventEmitter implements MediaChild {
  readonly stdio: (PassThrough | null)[];
  pid: number | undefined = undefined;
  exitCode: number | null = null;
  private exited = false;
  private exitSignal: NodeJS.Signals | null = null;
  private open: number;
  private closed = false;
  private pendingSignal: NodeJS.Signals | null = null;
  private readonly attached = new Set<number>();

  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly fds: readonly number[],
  ) {
    super();
    const max = Math.max(...fds);
    this.stdio = Array.from({ length: max + 1 }, (_, fd) =>
      fds.includes(fd) ? new PassThrough({ highWaterMark: 256 * 1024 }) : null,
    );
    this.open = fds.length;
    for (const fd of fds) this.stdio[fd]!.once('end', () => this.streamEnded());
  }

  get stdout(): Readable | null {
    return this.stdio[1] ?? null;
  }
  get stderr(): Readable | null {
    return this.stdio[2] ?? null;
  }

  attach(fd: number, socket: net.Socket, rest: Buffer): void {
    const out = this.stdio[fd];
    if (!out || this.attached.has(fd)) {
      socket.destroy();
      return;
    }
    this.attached.add(fd);
    if (rest.length) out.write(rest);
    socket.on('error', () => socket.destroy()); // a reset socket ends like a closed pipe
    socket.pipe(out);
  }

  /** Started here after all (the helper went away before starting it): bridge the local child. */
  startLocally(): void {
    const local = spawnLocal(this.cmd, this.args, this.fds);
    for (const fd of this.fds) (local.stdio[fd] as Readable).pipe(this.stdio[fd]!);
    local.once('spawn', () => this.spawned(local.pid!));
    local.once('error', (e) => this.failed(e));
    local.once('exit', (code, signal) => this.exit(code, signal));
  }

  spawned(pid: number): void {
    this.pid = pid;
    this.emit('spawn');
    if (this.pendingSignal) this.kill(this.pendingSignal);
  }

  failed(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.exited = true;
    for (const s of this.stdio) s?.end();
    this.emit('error', e);
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    this.emit('exit', code, signal);
    this.maybeClose();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exited) return false;
    if (this.pid === undefined) {
      this.pendingSignal = signal;
      return true;
    }
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  private streamEnded(): void {
    this.open--;
    this.maybeClose();
  }

  private maybeClose(): void {
    if (this.closed || !this.exited || this.open > 0) return;
    this.closed = true;
    this.emit('close', this.exitCode, this.exitSignal);
  }
}

class Spawner {
  private readonly server: net.Server;
  private readonly helper: ChildProcess;
  /** A Linux abstract socket name: no file to clean up; the NUL is added where it is used. */
  private readonly name = `vqa2-spawner-${process.pid}-${randomUUID()}`;
  /**
   * Any local process may connect to an abstract socket (it has no file permissions): a
   * connection counts only with this secret, which only the helper has (in its environment).
   */
  private readonly token = randomBytes(24).toString('hex');
  private readonly children = new Map<number, RemoteChild>();
  private nextId = 1;
  dead = false;

  get pid(): number | null {
    return this.helper.pid ?? null;
  }
  get socketName(): string {
    return this.name;
  }

  constructor() {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.listen(`\0${this.name}`);
    this.server.unref();
    this.helper = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        ...process.env,
        ELECTRON_RUN_AS_NODE: '1',
        VQA2_SPAWNER_SOCKET: this.name,
        VQA2_SPAWNER_TOKEN: this.token,
      },
    });
    this.idle();
    this.helper.on('message', (m: HelperMessage) => this.onMessage(m));
    const die = () => {
      if (this.dead) return;
      this.dead = true;
      gaveUp = true; // from now on children start here
      this.server.close();
      for (const c of this.children.values()) {
        if (c.pid === undefined) c.startLocally();
        else {
          c.kill('SIGKILL');
          c.failed(new Error('The process that started ffmpeg ended'));
        }
      }
      this.children.clear();
    };
    this.helper.once('error', die);
    this.helper.once('exit', die);
  }

  spawn(cmd: string, args: readonly string[], fds: readonly number[]): MediaChild {
    const id = this.nextId++;
    const child = new RemoteChild(cmd, args, fds);
    this.children.set(id, child);
    this.helper.ref();
    (this.helper.channel as { ref?: () => void } | undefined)?.ref?.();
    this.helper.send({ kind: 'spawn', id, cmd, args: [...args], fds: [...fds] });
    return child;
  }

  private onMessage(m: HelperMessage): void {
    const c = this.children.get(m.id);
    if (!c) return;
    if (m.kind === 'spawned') c.spawned(m.pid!);
    else if (m.kind === 'exit') {
      this.children.delete(m.id);
      c.exit(typeof m.code === 'number' ? m.code : null, m.signal ?? null);
    } else {
      this.children.delete(m.id);
      c.failed(
        new HelperSpawnError(
          m.message ?? 'spawn failed',
          typeof m.code === 'string' ? m.code : undefined,
        ),
      );
    }
    if (!this.children.size) this.idle();
  }

  /** Reads the socket's first line ({id, fd}) and hands the rest of its bytes to that child. */
  private accept(socket: net.Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl < 0) {
        if (head.length > 256) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.pause();
      let who: { id?: unknown; fd?: unknown; token?: unknown };
      try {
        who = JSON.parse(head.subarray(0, nl).toString('utf8')) as typeof who;
      } catch {
        socket.destroy();
        return;
      }
      const c =
        who.token === this.token && typeof who.id === 'number'
          ? this.children.get(who.id)
          : undefined;
      if (!c || typeof who.fd !== 'number') {
        socket.destroy();
        return;
      }
      c.attach(who.fd, socket, head.subarray(nl + 1));
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }

  /** With nothing running, neither the helper nor its channel keeps this process alive. */
  private idle(): void {
    this.helper.unref();
    (this.helper.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}

let shared: Spawner | null = null;
let gaveUp = false;

function spawner(): Spawner | null {
  if (gaveUp || process.platform !== 'linux' || process.env.VQA2_LOCAL_SPAWN === '1') return null;
  if (!shared) {
    try {
      shared = new Spawner();
    } catch {
      gaveUp = true;
      return null;
    }
  }
  return shared.dead ? null : shared;
}

function spawnLocal(cmd: string, args: readonly string[], fds: readonly number[]): MediaChild {
  const max = Math.max(...fds);
  const stdio: ('ignore' | 'pipe')[] = ['ignore'];
  for (let fd = 1; fd <= max; fd++) stdio.push(fds.includes(fd) ? 'pipe' : 'ignore');
  return spawn(cmd, [...args], { stdio, windowsHide: true }) as ChildProcess & MediaChild;
}

/**
 * Starts `cmd args` with stdin ignored and the given output fds piped (1 = stdout, 2 = stderr,
 * 3.. = extra outputs), from the helper where there is one. Emits 'error' when it could not start
 * and 'close' (code, signal) once it has exited and every output stream has ended.
 */
export function spawnMedia(
  cmd: string,
  args: readonly string[],
  fds: readonly number[],
): MediaChild {
  const s = spawner();
  return s ? s.spawn(cmd, args, fds) : spawnLocal(cmd, args, fds);
}

/** The helper's pid, if one is running (for tests and diagnostics). */
export function spawnerHelperPid(): number | null {
  return shared && !shared.dead ? shared.pid : null;
}

/** The abstract socket's name (without the leading NUL) of the running helper, for tests. */
export function spawnerSocketName(): string | null {
  return shared && !shared.dead ? shared.socketName : null;
}
