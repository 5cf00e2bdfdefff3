/**
 * Replays a Dockerfile's build without a Docker engine: each stage gets a directory standing for
 * its filesystem (an absolute path /x inside the image is <stage dir>/x), COPY copies from the
 * build context or an earlier stage, RUN runs with `sh -c` in the stage's WORKDIR, using this
 * machine's node and npm in place of the base image's. A RUN step that needs the image's
 * operating system (absolute paths, users and ownership, package managers) cannot be replayed
 * here: it is listed in `skipped`, for the caller to check, never dropped silently.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { execForm, healthcheck, type Stage, splitFlags } from '../deploy/dockerfile.js';

export interface StageResult {
  name: string;
  image: string;
  root: string;
  /** Absolute, inside the image. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[] | null;
  skipped: string[];
}

export interface ReplayOptions {
  context: string;
  out: string;
  /** The environment RUN steps start from (the base image's, e.g. PATH and HOME). */
  baseEnv: Record<string, string>;
  stepTimeoutMs: number;
  log?: (line: string) => void;
}

const NEEDS_OS =
  /(^|[\s;&|=])\/(?!dev\/null\b)|\b(chown|chmod|useradd|adduser|groupadd|apt-get|apk|dnf|yum)\b/;

export async function replay(stages: readonly Stage[], o: ReplayOptions): Promise<StageResult[]> {
  const done: StageResult[] = [];
  for (const stage of stages) {
    const r: StageResult = {
      name: stage.name,
      image: stage.image,
      root: join(o.out, stage.name),
      workdir: '/',
      env: {},
      user: undefined,
      entrypoint: [],
      cmd: [],
      healthcheck: null,
      skipped: [],
    };
    mkdirSync(r.root, { recursive: true });
    const inImage = (p: string) => join(r.root, posix.resolve(r.workdir, p));
    for (const step of stage.steps) {
      o.log?.(`[${stage.name}] ${step.op} ${step.args}`);
      switch (step.op) {
        case 'WORKDIR':
          r.workdir = posix.resolve(r.workdir, step.args);
          mkdirSync(inImage('.'), { recursive: true });
          break;
        case 'COPY': {
          const { flags, words } = splitFlags(step.args);
          const from = flags.from === undefined ? o.context : done.find((d) => d.name === flags.from)?.root;
          if (from === undefined) throw new Error(`line ${step.line}: no stage "${flags.from}"`);
          copy(from, words.slice(0, -1), inImage(words.at(-1)!), words.at(-1)!.endsWith('/'));
          break;
        }
        case 'RUN':
          if (NEEDS_OS.test(step.args)) r.skipped.push(step.args);
          else await run(step.args, inImage('.'), { ...o.baseEnv, ...r.env }, o);
          break;
        case 'ENV': {
          const m = /^([A-Za-z_]\w*)=(.*)$/.exec(step.args);
          if (!m) throw new Error(`line ${step.line}: ENV in the KEY=value form only`);
          r.env[m[1]!] = m[2]!;
          break;
        }
        case 'USER':
          r.user = step.args;
          break;
        case 'ENTRYPOINT':
        case 'CMD': {
          const argv = execForm(step.args);
          if (!argv) throw new Error(`line ${step.line}: ${step.op} in the shell form`);
          if (step.op === 'CMD') r.cmd = argv;
          else r.entrypoint = argv;
          break;
        }
        case 'HEALTHCHECK':
          r.healthcheck = healthcheck(step.args).command;
          break;
        default: // EXPOSE, VOLUME, STOPSIGNAL: image metadata, nothing to build
          break;
      }
    }
    done.push(r);
  }
  return done;
}

/** Docker's COPY: a directory source copies its contents; several sources need a directory. */
function copy(fromRoot: string, sources: string[], dest: string, destIsDir: boolean): void {
  for (const src of sources) {
    if (/[*?[]/.test(src)) throw new Error(`COPY ${src}: wildcards are not replayed`);
    const from = join(fromRoot, src);
    const isDir = statSync(from).isDirectory();
    const to = isDir || !(destIsDir || sources.length > 1) ? dest : join(dest, posix.basename(src));
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

function run(command: string, cwd: string, env: Record<string, string>, o: ReplayOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.stepTimeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`RUN ${command}: exit ${code ?? signal} in ${cwd}\n${output}`));
    });
  });
}
