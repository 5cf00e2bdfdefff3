import { stat } from 'node:fs/promises';

/**
 * Notices that certificate files changed, by polling their stat every `intervalMs` (docs/tls.md,
 * "Reload"). Polling, not fs.watch: inotify watches an inode, and the ways certificates are
 * replaced swap the inode under the path — an editor's write-and-rename, certbot's `live/`
 * symlinks, a Kubernetes secret volume's `..data` symlink swap — after which a watch sees nothing
 * more. stat follows the path (and its symlinks) each time, so every one of them shows as a new
 * device, inode, size or mtime.
 *
 * A change is reported once the files have stayed the same for one more poll: a certificate and
 * its key are often written one after the other, and loading between the two would refuse a pair
 * that is only half new.
 */
export class FileWatch {
  readonly #files: readonly string[];
  readonly #onChange: () => void;
  readonly #timer: NodeJS.Timeout;
  /** Signatures of what is loaded now, and of a change waiting to settle ('' = none). */
  #loaded = '';
  #pending = '';
  #polling = false;
  #stopped = false;

  constructor(files: readonly string[], intervalMs: number, onChange: () => void) {
    this.#files = files;
    this.#onChange = onChange;
    this.#timer = setInterval(() => void this.#poll(), intervalMs);
    this.#timer.unref();
    void this.#signature().then((s) => {
      if (this.#loaded === '') this.#loaded = s;
    });
  }

  /** The files were (re)loaded by someone else (a config reload): what they are now is the baseline. */
  async rebase(): Promise<void> {
    this.#loaded = await this.#signature();
    this.#pending = '';
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    try {
      const now = await this.#signature();
      if (this.#stopped || this.#loaded === '') return;
      if (now === this.#loaded) {
        this.#pending = '';
      } else if (now !== this.#pending) {
        this.#pending = now; // changed since the last poll: wait for it to settle
      } else {
        this.#loaded = now;
        this.#pending = '';
        this.#onChange();
      }
    } finally {
      this.#polling = false;
    }
  }

  async #signature(): Promise<string> {
    const parts = await Promise.all(
      this.#files.map((f) =>
        stat(f).then(
          (s) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`,
          (e: NodeJS.ErrnoException) => `missing:${e.code ?? ''}`,
        ),
      ),
    );
    return parts.join('|');
  }
}
