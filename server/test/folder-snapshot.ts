// Every file of a folder with its size and modification time: equal snapshots before and after
// mean nothing in the folder was written.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const folderSnapshot = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const stat = statSync(join(folder, name));
      return `${name}:${stat.size}:${stat.mtimeMs}`;
    });
