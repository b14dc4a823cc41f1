import fs from 'node:fs';
import path from 'node:path';

// One app process per data directory: a second `npm start` must fail clearly instead of
// touching the database files of the running one. A pid file is enough because a killed
// run leaves a pid that is no longer alive (or belongs to a process that is not ours).

export class InstanceLockedError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function looksLikeNode(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    // Without /proc (not Linux) trust the liveness check alone.
    return true;
  }
}

export function acquireInstanceLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'welcome-center.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid) && looksLikeNode(pid)) {
        throw new InstanceLockedError(
          `Another Welcome Center process (pid ${pid}) is already running with the data directory ${dataDir}. ` +
            'Stop it first, or start this one with a different DATA_DIR.',
        );
      }
      // Stale file from a killed run.
      fs.unlinkSync(file);
    }
  }
  throw new InstanceLockedError(`Could not lock the data directory ${dataDir}.`);
}
